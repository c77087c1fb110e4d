"""Password hashing for local accounts: argon2id through argon2-cffi, nothing home-made.

A hash records its own parameters, so raising the cost later still verifies old hashes;
`needs_rehash` says when one should be replaced at the next successful sign-in.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hotseat.errors import InputError

MIN_LENGTH = 8
MAX_LENGTH = 1024  # argon2 takes any length; a cap keeps a huge paste from costing memory

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def check_new_password(password: str) -> str:
    """A password someone is choosing: long enough, not absurd; never echoed back."""
    if len(password) < MIN_LENGTH:
        raise InputError(
            f"The password is too short ({len(password)} characters).",
            hint=f"Choose at least {MIN_LENGTH} characters.",
        )
    if len(password) > MAX_LENGTH:
        raise InputError(
            f"The password is longer than {MAX_LENGTH} characters.",
            hint="Choose a shorter one.",
        )
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_new_password(password))


def verify(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; an account with no password never matches."""
    if not stored_hash or len(password) > MAX_LENGTH:
        # Still spend the time of one check, so timing does not tell "no such account".
        _hasher.hash("not a real password")
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
