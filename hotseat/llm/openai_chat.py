"""Chat models for OpenAI, Azure OpenAI and any OpenAI-compatible server.

Retries with exponential backoff on 429/5xx (honouring Retry-After) come from the openai
SDK's own retry loop (`max_retries`); we only translate what is left into Hotseat errors.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import AzureChatOpenAI, ChatOpenAI

from hotseat.errors import ProviderUnavailable
from hotseat.llm.failures import translated
from hotseat.redact import mask_url


class _Translating:
    """Mixin: every call path re-raises provider failures as Hotseat errors."""

    def _where(self) -> str:
        base = getattr(self, "openai_api_base", None) or getattr(self, "azure_endpoint", None)
        return mask_url(base) if base else "api.openai.com"

    def _retries(self) -> int:
        return int(getattr(self, "max_retries", 0) or 0)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        with translated(self._where(), self._retries()):
            return super()._generate(messages, stop, run_manager, **kwargs)  # type: ignore[misc]

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        with translated(self._where(), self._retries()):
            return await super()._agenerate(  # type: ignore[misc]
                messages, stop, run_manager, **kwargs
            )

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        finished = False
        with translated(self._where(), self._retries()):
            for chunk in super()._stream(  # type: ignore[misc]
                messages, stop, run_manager, **kwargs
            ):
                finished = finished or _is_final(chunk)
                yield chunk
        if not finished:
            raise _cut_stream(self._where())

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        finished = False
        with translated(self._where(), self._retries()):
            async for chunk in super()._astream(  # type: ignore[misc]
                messages, stop, run_manager, **kwargs
            ):
                finished = finished or _is_final(chunk)
                yield chunk
        if not finished:
            raise _cut_stream(self._where())


def _is_final(chunk: ChatGenerationChunk) -> bool:
    """A complete stream carries a finish_reason; a cut one just stops."""
    info = chunk.generation_info or {}
    return bool(info.get("finish_reason") or chunk.message.response_metadata.get("finish_reason"))


def _cut_stream(where: str) -> ProviderUnavailable:
    return ProviderUnavailable(
        f"The stream from the model server at {where} stopped before the reply was complete.",
        hint="Try again; the part already shown was not saved as a finished reply.",
    )


class HotseatChatOpenAI(_Translating, ChatOpenAI):
    """ChatOpenAI for api.openai.com and OpenAI-compatible servers (vLLM, Ollama, ...)."""


class HotseatAzureChatOpenAI(_Translating, AzureChatOpenAI):
    """AzureChatOpenAI; the model name of a role is the Azure deployment name."""
