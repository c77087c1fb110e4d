"""Keep secrets out of anything a person or a log can see: URLs with credentials."""

from __future__ import annotations

import re

# Query parameters that carry secrets (libpq accepts ?password=..., proxies ?api_key=...).
_SECRET_PARAMS = re.compile(
    r"([?&](?:password|sslpassword|api[-_]?key|key|token)=)[^&#]*", re.IGNORECASE
)


def split_userinfo(url: str) -> tuple[str, str, str] | None:
    """Split 'scheme://userinfo@rest' at the LAST '@' of the authority; None if no userinfo."""
    scheme, sep, rest = url.partition("://")
    authority_and_path = rest.split("?", 1)[0]
    if not sep or authority_and_path.startswith("/") or "@" not in authority_and_path:
        return None
    cut = authority_and_path.rfind("@")
    return scheme, rest[:cut], rest[cut + 1 :]


def mask_url(url: str) -> str:
    """The URL with any password (in the userinfo or the query) replaced by ***.

    Masked by hand rather than by a URL parser: a text that does not parse, or a password
    with an unescaped '@', must not leak either.
    """
    text = _SECRET_PARAMS.sub(r"\1***", url)
    if "://" not in text:
        # Not a URL, but 'user:pw@host' may still hide inside it.
        return "***@" + text.rsplit("@", 1)[1] if "@" in text else text
    parts = split_userinfo(text)
    if parts is None:
        return text
    scheme, userinfo, rest = parts
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{rest}" if ":" in userinfo else text
