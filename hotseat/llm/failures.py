"""Translate provider SDK exceptions into Hotseat errors whose text says what to do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def translated(where: str, retries: int) -> Iterator[None]:
    """Re-raise SDK and transport failures as HotseatError subclasses.

    `where` names the endpoint (never the key) so the person knows which setting to check.
    """
    try:
        yield
    except HotseatError:
        raise
    except openai.APITimeoutError as exc:
        raise ProviderTimeout(
            f"The model server at {where} did not answer in time (after {retries} retries).",
            hint="Raise HOTSEAT_TIMEOUT, or check that the server is not overloaded.",
        ) from exc
    except openai.AuthenticationError as exc:
        raise AuthenticationFailed(
            f"The model server at {where} rejected the API key (401).",
            hint="Set a valid key in OPENAI_API_KEY or HOTSEAT_API_KEY.",
        ) from exc
    except openai.RateLimitError as exc:
        raise RateLimited(
            f"The model server at {where} kept rate-limiting (429) after {retries} retries.",
            hint="Wait a minute, lower the concurrency, or raise HOTSEAT_MAX_RETRIES.",
        ) from exc
    except openai.NotFoundError as exc:
        raise ConfigError(
            f"The model server at {where} answered 404: {_message(exc)}.",
            hint="Check the model name (HOTSEAT_MODEL_<ROLE>) and the base URL (HOTSEAT_BASE_URL).",
        ) from exc
    except openai.InternalServerError as exc:
        raise ProviderUnavailable(
            f"The model server at {where} kept failing ({exc.status_code}) after "
            f"{retries} retries.",
            hint="Try again later or switch provider with HOTSEAT_PROVIDER.",
        ) from exc
    except openai.APIConnectionError as exc:
        raise ProviderUnavailable(
            f"Could not talk to the model server at {where}: {_cause(exc)}.",
            hint="Check HOTSEAT_BASE_URL and that the server is running and reachable.",
        ) from exc
    except openai.APIStatusError as exc:
        raise ProviderError(
            f"The model server at {where} refused the request ({exc.status_code}): "
            f"{_message(exc)}.",
            hint="Check the model name and provider settings.",
        ) from exc
    except (openai.APIResponseValidationError, json.JSONDecodeError, ValidationError,
            KeyError, TypeError) as exc:
        raise MalformedResponse(
            f"The model server at {where} sent a malformed response ({type(exc).__name__}).",
            hint="Check that HOTSEAT_BASE_URL points at an OpenAI-compatible /v1 endpoint.",
        ) from exc
    except Exception as exc:  # transport errors from httpx/httpx2 mid-stream
        if _is_transport_error(exc):
            raise ProviderUnavailable(
                f"The connection to the model server at {where} broke mid-response.",
                hint="Try again; if it repeats, check the server's logs.",
            ) from exc
        raise


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    err = body.get("error", body) if isinstance(body, dict) else {}
    msg = err.get("message") if isinstance(err, dict) else None
    return str(msg or exc.message)[:200]


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    return f"{type(cause).__name__}" if cause else "connection error"


def _is_transport_error(exc: BaseException) -> bool:
    module = type(exc).__module__.split(".")[0]
    return module in {"httpx", "httpx2", "httpcore", "httpcore2", "h11"}
