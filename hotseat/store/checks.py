"""Refuse values that one backend would store and another would reject or corrupt.

SQLite keeps a NUL character in TEXT, PostgreSQL refuses it; neither can encode an
unpaired surrogate as UTF-8. Checking up front gives the same clear error on both.
"""

from __future__ import annotations

import json
from typing import Any

from hotseat.store.errors import StoreError


def check_text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise StoreError(f"{what} must be text, got {type(value).__name__}.")
    nul = value.find("\x00")
    if nul >= 0:
        raise StoreError(
            f"{what} contains a NUL character (\\x00) at position {nul}.",
            hint="Remove it; databases such as PostgreSQL cannot store it in text.",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise StoreError(
            f"{what} is not valid Unicode: unpaired surrogate at position {exc.start}.",
            hint="Decode the input as UTF-8 (errors='replace') before storing it.",
        ) from None
    return value


def check_json(value: Any, what: str) -> Any:
    """Walk a JSON-like value (dict keys included) and check every string in it."""
    if isinstance(value, str):
        check_text(value, what)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(str(key), f"{what} key")
            check_json(item, f"{what}[{key!r}]")
    elif isinstance(value, list | tuple):
        for position, item in enumerate(value):
            check_json(item, f"{what}[{position}]")
    return value


def check_json_document(value: Any, what: str) -> Any:
    """A value that must be stored as JSON: serialisable, finite numbers, storable strings."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"{what} cannot be stored as JSON: {exc}.",
            hint="Use only dicts, lists, strings, finite numbers, booleans and None.",
        ) from None
    return check_json(value, what)


def check_name(value: object, what: str, *, max_len: int = 200) -> str:
    """A short identifier-like string: not blank, not absurdly long, storable."""
    text = check_text(value, what).strip()
    if not text:
        raise StoreError(f"{what} is empty.", hint=f"Give a non-empty {what}.")
    if len(text) > max_len:
        raise StoreError(f"{what} is {len(text)} characters long; the limit is {max_len}.")
    return text
