"""`hotseat users add|list|invite` as an operator runs them, and what bad input gets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hotseat import passwords
from hotseat.cli import main
from hotseat.store import Store
from hotseat.store import users as accounts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    monkeypatch.setenv("HOTSEAT_DB_URL", url)
    return url


def hotseat(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotseat", "users", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        env=dict(os.environ),
        timeout=300,
    )


def test_add_from_stdin_then_list(db_url: str) -> None:
    done = hotseat("add", "Tina", "--role", "trainer", "--password-stdin", stdin="tina-secret\n")
    assert done.returncode == 0, done.stderr
    assert "Added trainer 'Tina' with a password." in done.stdout
    assert "tina-secret" not in done.stdout + done.stderr
    assert hotseat("add", "ops@Example.com", "--role", "trainer", "--no-password").returncode == 0
    listed = hotseat("list")
    assert listed.stdout.splitlines() == [
        "Tina\ttrainer\tpassword set",
        "ops@example.com\ttrainer\tno password",
    ]
    with Store(db_url) as store:
        assert passwords.verify(accounts.password_hash(store, "Tina"), "tina-secret")


def test_add_asks_twice_with_getpass(db_url: str, monkeypatch, capsys) -> None:
    answers = iter(["long enough", "long enough"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert main(["users", "add", "Sam"]) == 0
    with Store(db_url) as store:
        assert accounts.find_user(store, "Sam") == accounts.Account("Sam", "trainee", True)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["long enough", "long enouhg"], "The two passwords differ."),
        (["short"], "The password is too short (5 characters)."),
    ],
)
def test_bad_passwords_at_the_prompt(db_url: str, monkeypatch, capsys, typed, message) -> None:
    answers = iter(typed)
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert main(["users", "add", "Sam"]) == 1
    err = capsys.readouterr().err
    assert message in err
    with Store(db_url) as store:
        assert accounts.find_user(store, "Sam") is None  # nothing half-made


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["add", "Bob", "--role", "admin", "--no-password"], "", 2, "invalid choice: 'admin'"),
        (["add", "Bob", "--password-stdin"], "", 1, "No password on stdin."),
        (["add", " ", "--no-password"], "", 1, "account name is empty"),
        (["add", "Bob", "--password-stdin", "--no-password"], "", 2, "not allowed with"),
    ],
)
def test_bad_input_gets_a_clear_message(db_url: str, args, stdin, code, message) -> None:
    done = hotseat(*args, stdin=stdin)
    assert done.returncode == code
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_adding_twice_is_refused(db_url: str) -> None:
    assert hotseat("add", "Bob", "--no-password").returncode == 0
    again = hotseat("add", "Bob", "--no-password")
    assert again.returncode == 1
    assert "An account named 'Bob' already exists." in again.stderr


def test_invite_prints_a_one_time_link_that_sets_the_password(db_url: str) -> None:
    done = hotseat("invite", "Ada")
    assert done.returncode == 0, done.stderr
    link = done.stdout.splitlines()[-1]
    assert link.startswith("/?invite=")
    token = link.removeprefix("/?invite=")
    with Store(db_url) as store:
        assert accounts.invited_account(store, token) == accounts.Account("Ada", "trainee", False)
        accounts.redeem_invite(store, token, passwords.hash_password("ada-password"))
        assert accounts.invited_account(store, token) is None


def test_list_with_no_accounts_says_how_to_add_one(db_url: str) -> None:
    done = hotseat("list")
    assert done.returncode == 0 and done.stdout == ""
    assert "hotseat users add NAME --role trainer" in done.stderr
