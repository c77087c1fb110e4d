"""Accounts, passwords and invites in the store; the users migration on an old database."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from hotseat import passwords
from hotseat.errors import HotseatError, InputError
from hotseat.store import Store
from hotseat.store import users as accounts
from hotseat.store.connect import create_store_engine
from hotseat.store.migrations import MIGRATIONS, migrate
from hotseat.store.urls import parse_url


def test_hash_verifies_only_the_right_password() -> None:
    stored = passwords.hash_password("correct horse")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert passwords.verify(stored, "correct horse")
    assert not passwords.verify(stored, "correct hors")
    assert not passwords.verify(stored, "")
    assert not passwords.verify(None, "correct horse")  # no password set: never matches
    assert not passwords.verify("not-a-hash", "correct horse")
    assert passwords.hash_password("žluťoučký kůň") != passwords.hash_password("žluťoučký kůň")


@pytest.mark.parametrize(
    ("password", "message"),
    [("abc12", "too short (5 characters)"), ("x" * 2000, "longer than 1024")],
)
def test_a_bad_new_password_says_why(password: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        passwords.hash_password(password)
    assert message in str(info.value)
    assert password not in str(info.value)


def test_add_find_list(store: Store) -> None:
    accounts.add_user(store, " Alice ", "trainee", passwords.hash_password("alice-pass"))
    accounts.add_user(store, "Trainer.Tom@Example.com", "trainer")
    assert accounts.find_user(store, "Alice") == accounts.Account("Alice", "trainee", True)
    assert accounts.find_user(store, "alice") is None  # local names keep their case
    tom = accounts.find_user(store, "trainer.tom@example.COM")  # e-mails do not
    assert tom == accounts.Account("trainer.tom@example.com", "trainer", False)
    assert [a.name for a in accounts.list_users(store)] == ["Alice", "trainer.tom@example.com"]
    assert passwords.verify(accounts.password_hash(store, "Alice"), "alice-pass")


@pytest.mark.parametrize(
    ("name", "role", "message"),
    [
        ("Alice", "trainee", "already exists"),
        ("Bob", "admin", "Unknown role 'admin'"),
        ("   ", "trainee", "account name is empty"),
        ("x" * 201, "trainee", "the limit is 200"),
    ],
)
def test_bad_accounts_are_refused_clearly(store: Store, name: str, role: str, message: str) -> None:
    accounts.add_user(store, "Alice", "trainee")
    with pytest.raises(HotseatError) as info:
        accounts.add_user(store, name, role)
    assert message in str(info.value)


def test_an_invite_sets_a_password_once(store: Store) -> None:
    account, token = accounts.create_invite(store, "Bea")
    assert account == accounts.Account("Bea", "trainee", False)
    assert accounts.invited_account(store, token) == account
    assert accounts.invited_account(store, token + "x") is None
    with store._tx("test: read invites") as s:  # noqa: SLF001
        stored = s.execute(text("SELECT token_hash FROM invites")).scalars().all()
    assert token not in stored  # only a hash of the token is kept
    accounts.redeem_invite(store, token, passwords.hash_password("bea-password"))
    assert passwords.verify(accounts.password_hash(store, "Bea"), "bea-password")
    with pytest.raises(InputError, match="used already"):
        accounts.redeem_invite(store, token, passwords.hash_password("another-one"))
    assert accounts.invited_account(store, token) is None


def test_an_expired_invite_is_refused(store: Store) -> None:
    _, token = accounts.create_invite(store, "Cy")
    with store._tx("test: expire") as s:  # noqa: SLF001
        s.execute(text("UPDATE invites SET expires_at = created_at"))
    assert accounts.invited_account(store, token) is None
    with pytest.raises(InputError, match="expired"):
        accounts.redeem_invite(store, token, passwords.hash_password("cy-password"))


def test_users_migration_on_an_existing_database(db_url: str) -> None:
    engine = create_store_engine(parse_url(db_url))
    migrate(engine, MIGRATIONS[:3])  # a database from before sign-in accounts
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO trainees (name, created_at) VALUES ('Ann', '2026-01-01 00:00:00')")
        )
    assert "users" not in inspect(engine).get_table_names()
    engine.dispose()
    with Store(db_url) as store:
        assert store.applied_migrations == [m.version for m in MIGRATIONS[3:]]
        assert store.find_trainee("Ann") is not None  # old data kept
        assert accounts.list_users(store) == []
        accounts.add_user(store, "Ann", "trainee")
        assert accounts.find_user(store, "Ann") is not None
