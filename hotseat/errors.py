"""Errors meant for people: each message says what went wrong and what to change."""

from __future__ import annotations


class HotseatError(Exception):
    """Base of every error Hotseat raises on purpose."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} {hint}".strip())


class ConfigError(HotseatError):
    """A setting is missing, unknown or malformed; the message names the setting."""


class WeightsError(HotseatError):
    """Local model weights are missing, incomplete or fail verification."""


class ProviderError(HotseatError):
    """The LLM provider failed after retries."""


class ProviderTimeout(ProviderError):
    """The provider did not answer within the configured timeout."""


class RateLimited(ProviderError):
    """The provider kept answering 429 after every retry."""


class ProviderUnavailable(ProviderError):
    """The provider could not be reached or kept failing with 5xx."""


class AuthenticationFailed(ProviderError):
    """The provider rejected the API key."""


class MalformedResponse(ProviderError):
    """The provider answered with something that is not a valid response."""


class InputError(HotseatError):
    """Input from a person (a chat reply, a file row) cannot be used as it is."""


class SpeechError(HotseatError):
    """Speech could not be recorded, transcribed or spoken (audio, engine or service)."""


class ClusterError(HotseatError):
    """A batch run cannot use its Ray cluster (not installed, unreachable, no workers)."""
