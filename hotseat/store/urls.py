"""Database URLs: parse them with a clear message, and never let a password reach a message."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from hotseat.errors import ConfigError
from hotseat.redact import mask_url as _mask
from hotseat.redact import split_userinfo


def mask_url(url: str | URL) -> str:
    """The URL as text with any password (userinfo or query) replaced by ***."""
    if isinstance(url, URL):
        return _mask(url.render_as_string(hide_password=True))
    return _mask(url)


def parse_url(url: str) -> URL:
    """Parse a SQLAlchemy URL or raise ConfigError with the password masked."""
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(
            "The database URL is empty.",
            hint="Set db_url (HOTSEAT_DB_URL), e.g. sqlite:///hotseat.db.",
        )
    url = url.strip()
    parts = split_userinfo(url)
    if parts is not None and "@" in parts[1]:
        # SQLAlchemy would split at the first '@' and send half the password as the host.
        raise ConfigError(
            f"The user or password in the database URL {mask_url(url)!r} contains '@'.",
            hint="Percent-encode it: write %40 for each '@' in the password.",
        )
    try:
        return make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"Cannot parse the database URL {mask_url(url)!r}.",
            hint="Use a SQLAlchemy URL such as sqlite:///hotseat.db or "
            "postgresql+psycopg://user:password@host:5432/hotseat.",
        ) from None


def scrub(text: str, url: URL) -> str:
    """Remove the URL's password from text that a driver produced (it may echo the DSN)."""
    password = url.password
    if password:
        text = text.replace(str(password), "***")
    return text
