"""Database URLs: parse them with a clear message, and never let a password reach a message."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from hotseat.errors import ConfigError


def _userinfo(url: str) -> tuple[str, str, str] | None:
    """Split 'scheme://userinfo@rest' at the LAST '@' of the authority; None if no userinfo."""
    scheme, sep, rest = url.partition("://")
    authority_and_path = rest.split("?", 1)[0]
    if not sep or authority_and_path.startswith("/") or "@" not in authority_and_path:
        return None
    cut = authority_and_path.rfind("@")
    return scheme, rest[:cut], rest[cut + 1 :]


def mask_url(url: str | URL) -> str:
    """The URL as text with any password replaced by ***.

    Text is masked by hand rather than by SQLAlchemy's parser: a text that does not parse,
    or a password with an unescaped '@', must not leak either.
    """
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    if "://" not in url:
        # Not a URL, but 'user:pw@host' may still hide inside it.
        return "***@" + url.rsplit("@", 1)[1] if "@" in url else url
    parts = _userinfo(url)
    if parts is None:
        return url
    scheme, userinfo, rest = parts
    if ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{rest}"


def parse_url(url: str) -> URL:
    """Parse a SQLAlchemy URL or raise ConfigError with the password masked."""
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(
            "The database URL is empty.",
            hint="Set db_url (HOTSEAT_DB_URL), e.g. sqlite:///hotseat.db.",
        )
    url = url.strip()
    parts = _userinfo(url)
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
