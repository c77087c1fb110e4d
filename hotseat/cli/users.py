"""`hotseat users add|list|invite`: sign-in accounts (auth=password or oidc).

The first trainer is made here, on the server, by whoever runs Hotseat. Passwords are
read with getpass (not echoed, not in the shell history) or from stdin for scripts;
they are hashed at once and never printed.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from hotseat import passwords
from hotseat.access import ROLES
from hotseat.errors import InputError
from hotseat.settings import load_settings
from hotseat.store import Store
from hotseat.store import users as accounts

INVITE_PARAM = "invite"  # the app's main page reads ?invite=<token> (hotseat.ui.signin)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("users", help="add, list or invite sign-in accounts")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add an account (asks for its password)")
    add.add_argument("name", help="sign-in name, or the e-mail address for auth=oidc")
    add.add_argument("--role", choices=ROLES, default="trainee")
    how = add.add_mutually_exclusive_group()
    how.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin (scripts)"
    )
    how.add_argument(
        "--no-password",
        action="store_true",
        help="no password: signs in through OIDC, or after an invite",
    )
    add.set_defaults(func=run_add)

    listing = actions.add_parser("list", help="one line per account: NAME<TAB>role<TAB>password")
    listing.set_defaults(func=run_list)

    invite = actions.add_parser(
        "invite", help="print a one-time link that lets NAME set a password"
    )
    invite.add_argument("name")
    invite.add_argument(
        "--role", choices=ROLES, default="trainee", help="role if the account is new"
    )
    invite.set_defaults(func=run_invite)


def _store() -> Store:
    return Store(load_settings().db_url)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InputError("No password on stdin.", hint="Pipe one line: echo ... | hotseat ...")
        return line.rstrip("\r\n")
    first = getpass.getpass("Password: ")
    passwords.check_new_password(first)  # say "too short" before asking again
    if getpass.getpass("Repeat the password: ") != first:
        raise InputError("The two passwords differ.", hint="Run the command again.")
    return first


def run_add(args: argparse.Namespace) -> int:
    hashed = (
        None if args.no_password else passwords.hash_password(_read_password(args.password_stdin))
    )
    with _store() as store:
        account = accounts.add_user(store, args.name, args.role, hashed)
    how = "with a password" if hashed else "without a password"
    print(f"Added {account.role} {account.name!r} {how}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with _store() as store:
        found = accounts.list_users(store)
    for a in found:
        print(f"{a.name}\t{a.role}\t{'password set' if a.has_password else 'no password'}")
    if not found:
        print(
            "No accounts yet: add a trainer with `hotseat users add NAME --role trainer`.",
            file=sys.stderr,
        )
    return 0


def run_invite(args: argparse.Namespace) -> int:
    with _store() as store:
        account, token = accounts.create_invite(store, args.name, args.role)
    print(
        f"Invite for {account.role} {account.name!r} (works once, for "
        f"{accounts.INVITE_DAYS} days). Send them this link on your Hotseat address:"
    )
    print(f"/?{INVITE_PARAM}={token}")
    return 0
