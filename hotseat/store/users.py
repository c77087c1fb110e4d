"""Sign-in accounts and their one-time invites, stored beside the sessions.

This module only stores: hashing lives in hotseat.passwords, who may see what in
hotseat.access. An invite token is returned once, to whoever creates it; the database
keeps its sha256, so a copy of the database cannot be used to sign in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from hotseat.access import ROLES, Role
from hotseat.errors import InputError
from hotseat.store.checks import check_name
from hotseat.store.models import InviteRow, UserRow
from hotseat.store.store import Store
from hotseat.store.types import utcnow

INVITE_DAYS = 7
MAX_NAME = 200


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    has_password: bool


def account_name(raw: str) -> str:
    """The stored form of an account name: trimmed; an e-mail address in lower case
    (providers and people treat addresses case-insensitively, one address one account)."""
    name = check_name(raw, "account name", max_len=MAX_NAME)
    return name.lower() if "@" in name else name


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise InputError(f"Unknown role {role!r}.", hint=f"Use one of {', '.join(ROLES)}.")
    return role  # type: ignore[return-value]


def _account(row: UserRow) -> Account:
    return Account(row.name, check_role(row.role), row.password_hash is not None)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(store: Store, name: str, role: str, password_hash: str | None = None) -> Account:
    name, role = account_name(name), check_role(role)
    with store._tx("adding an account") as s:  # noqa: SLF001 (same package)
        if s.scalars(select(UserRow).where(UserRow.name == name)).first() is not None:
            raise InputError(
                f"An account named {name!r} already exists.",
                hint="Pick another name, or `hotseat users invite` it to reset its password.",
            )
        row = UserRow(name=name, role=role, password_hash=password_hash, created_at=utcnow())
        s.add(row)
        s.flush()
        return _account(row)


def find_user(store: Store, name: str) -> Account | None:
    name = account_name(name)
    with store._tx("reading an account") as s:  # noqa: SLF001
        row = s.scalars(select(UserRow).where(UserRow.name == name)).first()
        return _account(row) if row is not None else None


def password_hash(store: Store, name: str) -> str | None:
    """The stored hash (None for no such account or no password) for hotseat.passwords."""
    name = account_name(name)
    with store._tx("reading an account") as s:  # noqa: SLF001
        return s.scalar(select(UserRow.password_hash).where(UserRow.name == name))


def set_password(store: Store, name: str, new_hash: str) -> None:
    name = account_name(name)
    with store._tx("setting a password") as s:  # noqa: SLF001
        row = s.scalars(select(UserRow).where(UserRow.name == name)).first()
        if row is None:
            raise InputError(f"No account named {name!r}.", hint="Add it with `hotseat users add`.")
        row.password_hash = new_hash


def list_users(store: Store) -> list[Account]:
    with store._tx("listing accounts") as s:  # noqa: SLF001
        return [_account(r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]


def create_invite(store: Store, name: str, role: str = "trainee") -> tuple[Account, str]:
    """A one-time token for `name` to set a password; creates the account if it is new
    (with `role`). The token is returned here and nowhere else."""
    name, role = account_name(name), check_role(role)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with store._tx("creating an invite") as s:  # noqa: SLF001
        row = s.scalars(select(UserRow).where(UserRow.name == name)).first()
        if row is None:
            row = UserRow(name=name, role=role, password_hash=None, created_at=now)
            s.add(row)
            s.flush()
        s.add(
            InviteRow(
                token_hash=_token_hash(token),
                user_id=row.id,
                created_at=now,
                expires_at=now + timedelta(days=INVITE_DAYS),
            )
        )
        return _account(row), token


def invited_account(store: Store, token: str) -> Account | None:
    """Whose invite this is, if it is still valid (read only: opening the link writes
    nothing)."""
    with store._tx("reading an invite") as s:  # noqa: SLF001
        invite = s.get(InviteRow, _token_hash(token))
        if invite is None or invite.expires_at <= utcnow():
            return None
        return _account(s.get_one(UserRow, invite.user_id))


def redeem_invite(store: Store, token: str, new_hash: str) -> Account:
    """Set the password and spend the invite (and any other open one of that account)."""
    with store._tx("using an invite") as s:  # noqa: SLF001
        invite = s.get(InviteRow, _token_hash(token), with_for_update=True)
        if invite is None or invite.expires_at <= utcnow():
            raise InputError(
                "This invite link is not valid: it was used already, has expired, or is mistyped.",
                hint="Ask your trainer for a new invite.",
            )
        row = s.get_one(UserRow, invite.user_id)
        row.password_hash = new_hash
        s.execute(delete(InviteRow).where(InviteRow.user_id == row.id))
        return _account(row)
