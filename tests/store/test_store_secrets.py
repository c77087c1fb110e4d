"""A password in the database URL never shows up in an error message or the store's URL."""

from __future__ import annotations

import traceback

import pytest

from hotseat.errors import ConfigError, HotseatError
from hotseat.store import Store, StoreError
from hotseat.store.urls import mask_url
from tests.fakes.postgres import PostgresServer, free_port

SECRET = "s3cr3t-Pa55word"


def full_text(exc: BaseException) -> str:
    """Everything a traceback would print, chained causes included."""
    return "".join(traceback.format_exception(exc))


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://hotseat:{SECRET}@127.0.0.1:99999999/x",  # unparsable port
        f"not a url at all hotseat:{SECRET}@host",
        f"nosuchdriver://hotseat:{SECRET}@127.0.0.1/db",
        f"postgresql+psycopg://hotseat:{SECRET}@2@127.0.0.1/db",
    ],
    ids=["bad-port", "garbage", "unknown-driver", "at-in-password"],
)
def test_bad_url_errors_mask_the_password(url: str) -> None:
    with pytest.raises(HotseatError) as caught:
        Store(url)
    assert SECRET not in full_text(caught.value)
    assert isinstance(caught.value, ConfigError | StoreError)


def test_unreachable_server_error_masks_the_password() -> None:
    url = f"postgresql+psycopg://hotseat:{SECRET}@127.0.0.1:{free_port()}/hotseat"
    with pytest.raises(StoreError, match="Database error while opening the database") as caught:
        Store(url)
    text = full_text(caught.value)
    assert SECRET not in text
    assert "hotseat:***@127.0.0.1" in text  # it still says which server it tried


@pytest.mark.postgres
def test_wrong_password_error_masks_both_passwords(postgres_server: PostgresServer) -> None:
    url = postgres_server.url("postgres", password=SECRET)
    with pytest.raises(StoreError, match="password authentication failed") as caught:
        Store(url)
    text = full_text(caught.value)
    assert SECRET not in text and postgres_server.password not in text


@pytest.mark.postgres
def test_store_url_attribute_is_masked(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database()
    with Store(url) as store:
        assert postgres_server.password not in store.url
        assert "***" in store.url
        assert postgres_server.password not in repr(store._engine)
        with pytest.raises(StoreError) as caught:
            store.get_session("missing")
        assert postgres_server.password not in full_text(caught.value)


def test_at_sign_in_password_gets_a_fix() -> None:
    with pytest.raises(ConfigError, match="contains '@'.*%40") as caught:
        Store(f"postgresql+psycopg://hotseat:{SECRET}@x@127.0.0.1/db")
    assert SECRET not in full_text(caught.value)


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://u:pw@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("sqlite:///hotseat.db", "sqlite:///hotseat.db"),
        ("postgresql://u%40corp:p%40ss@h/db?x=a@b", "postgresql://u%40corp:***@h/db?x=a@b"),
        ("sqlite:////srv/data@2024/hotseat.db", "sqlite:////srv/data@2024/hotseat.db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("weird url u:pw@h", "***@h"),  # not a URL, but it may still hold a password
        ("x://u:p@ss@h/db", "x://u:***@h/db"),  # an unescaped @ in the password
    ],
)
def test_mask_url(url: str, masked: str) -> None:
    assert mask_url(url) == masked
