"""Translate provider SDK exceptions into Hotseat errors whose text says what to do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import openai
from pydantic import ValidationError

from hotseat.errors import (
    AuthenticationFailed,
    ConfigError,
    HotseatError,
    MalformedResponse,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
)

# (what the SDK raised, what we raise, message, hint); first match wins, so subclasses
# (APITimeoutError is an APIConnectionError) come before their bases. Fields: where
# (the endpoint, never the key), retries, status, detail (the server's words), cause.
_RULES: tuple[tuple[tuple[type[BaseException], ...], type[HotseatError], str, str], ...] = (
    (
        (openai.APITimeoutError,),
        ProviderTimeout,
        "The model server at {where} did not answer in time (after {retries} retries).",
        "Raise HOTSEAT_TIMEOUT, or check that the server is not overloaded.",
    ),
    (
        (openai.AuthenticationError,),
        AuthenticationFailed,
        "The model server at {where} rejected the API key (401).",
        "Set a valid key in OPENAI_API_KEY or HOTSEAT_API_KEY.",
    ),
    (
        (openai.RateLimitError,),
        RateLimited,
        "The model server at {where} kept rate-limiting (429) after {retries} retries.",
        "Wait a minute, lower the concurrency, or raise HOTSEAT_MAX_RETRIES.",
    ),
    (
        (openai.NotFoundError,),
        ConfigError,
        "The model server at {where} answered 404: {detail}.",
        "Check the model name (HOTSEAT_MODEL_<ROLE>) and the base URL (HOTSEAT_BASE_URL).",
    ),
    (
        (openai.InternalServerError,),
        ProviderUnavailable,
        "The model server at {where} kept failing ({status}) after {retries} retries.",
        "Try again later or switch provider with HOTSEAT_PROVIDER.",
    ),
    (
        (openai.APIConnectionError,),
        ProviderUnavailable,
        "Could not talk to the model server at {where}: {cause}.",
        "Check HOTSEAT_BASE_URL and that the server is running and reachable.",
    ),
    (
        (openai.APIStatusError,),
        ProviderError,
        "The model server at {where} refused the request ({status}): {detail}.",
        "Check the model name and provider settings.",
    ),
    (
        (
            openai.APIResponseValidationError,
            json.JSONDecodeError,
            ValidationError,
            KeyError,
            TypeError,
        ),
        MalformedResponse,
        "The model server at {where} sent a malformed response ({cause}).",
        "Check that HOTSEAT_BASE_URL points at an OpenAI-compatible /v1 endpoint.",
    ),
)
_BROKEN_STREAM = (
    ProviderUnavailable,
    "The connection to the model server at {where} broke mid-response.",
    "Try again; if it repeats, check the server's logs.",
)


@contextmanager
def translated(where: str, retries: int) -> Iterator[None]:
    """Re-raise SDK and transport failures as HotseatError subclasses."""
    try:
        yield
    except HotseatError:
        raise
    except Exception as exc:
        rule = next(
            ((cls, msg, hint) for kinds, cls, msg, hint in _RULES if isinstance(exc, kinds)), None
        )
        if rule is None and _is_transport_error(exc):  # httpx/httpx2 errors mid-stream
            rule = _BROKEN_STREAM
        if rule is None:
            raise
        cls, message, hint = rule
        raise cls(message.format(**_fields(exc, where, retries)), hint=hint) from exc


def _fields(exc: BaseException, where: str, retries: int) -> dict[str, Any]:
    return {
        "where": where,
        "retries": retries,
        "status": getattr(exc, "status_code", "?"),
        "detail": _message(exc),
        "cause": _cause(exc),
    }


def _message(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    err = body.get("error", body) if isinstance(body, dict) else {}
    msg = err.get("message") if isinstance(err, dict) else None
    return str(msg or getattr(exc, "message", "") or type(exc).__name__)[:200]


def _cause(exc: BaseException) -> str:
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        return type(cause).__name__ if cause else "connection error"
    return type(exc).__name__


def _is_transport_error(exc: BaseException) -> bool:
    module = type(exc).__module__.split(".")[0]
    return module in {"httpx", "httpx2", "httpcore", "httpcore2", "h11"}
