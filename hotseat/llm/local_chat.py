"""An in-process chat model over llama-cpp-python, for offline use.

We keep a small class of our own rather than langchain-community's ChatLlamaCpp (being
sunset; no usage metadata; no json_schema mode). Per the measured pitfalls: `Llama` is
not thread-safe, so calls on one instance are serialised; each role gets its own
instance because an instance only reuses its own last prompt prefix (weights are
mmapped, so the instances share memory for them).
"""

from __future__ import annotations

import atexit
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, ValidationError

from hotseat.errors import InputError, MalformedResponse, WeightsError

_ROLE_NAMES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}
_instances: dict[tuple[str, str, int], tuple[Any, threading.Lock]] = {}
_load_lock = threading.Lock()


def load_llama(model_path: str, key: str, n_ctx: int, n_threads: int) -> tuple[Any, threading.Lock]:
    """One `Llama` per (file, role, context size) per process; loaded on first use."""
    ident = (model_path, key, n_ctx)
    with _load_lock:
        if ident not in _instances:
            from llama_cpp import Llama  # imported late: the package is heavy to import

            try:
                llama = Llama(
                    model_path=model_path,
                    n_ctx=n_ctx,
                    n_threads=n_threads,
                    n_threads_batch=n_threads,
                    verbose=False,
                )
            except (ValueError, RuntimeError) as exc:
                raise WeightsError(
                    f"llama.cpp could not load {model_path}: {exc}.",
                    hint="Check HOTSEAT_LOCAL_MODEL points at a valid GGUF file.",
                ) from exc
            _instances[ident] = (llama, threading.Lock())
        return _instances[ident]


@atexit.register
def _close_all() -> None:
    # Free models before interpreter teardown; llama-cpp's own finalizers fail that late.
    with _load_lock:
        for llama, lock in _instances.values():
            # A stream abandoned mid-way may still hold its lock; never hang the exit.
            if lock.acquire(timeout=5):
                llama.close()
                lock.release()
        _instances.clear()


def to_chat_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    return [{"role": _ROLE_NAMES.get(m.type, "user"), "content": str(m.content)} for m in messages]


class LocalChatModel(BaseChatModel):
    """LangChain chat model running a GGUF in process with its own chat template."""

    # Capability, read by evaluators.llm_judge.bind_json: decoding is grammar-constrained.
    structured_output: ClassVar[str] = "grammar"

    model_path: str
    model_name: str = "local"
    role_key: str = "default"
    n_ctx: int = 4096
    n_threads: int = 2
    temperature: float = 0.7
    max_tokens: int = 256
    seed: int | None = None

    @property
    def _llm_type(self) -> str:
        return "hotseat-llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "temperature": self.temperature}

    def _llama(self) -> tuple[Any, threading.Lock]:
        return load_llama(self.model_path, self.role_key, self.n_ctx, self.n_threads)

    def _params(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = {
            "temperature": kwargs.get("temperature", self.temperature),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "stop": stop or kwargs.get("stop"),
        }
        seed = kwargs.get("seed", self.seed)
        if seed is not None:
            params["seed"] = seed
        if kwargs.get("response_format"):
            params["response_format"] = kwargs["response_format"]
        return params

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        llama, lock = self._llama()
        with lock:
            out = _call(llama, to_chat_dicts(messages), self._params(stop, kwargs), stream=False)
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata=_usage(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)),
            response_metadata={
                "model_name": self.model_name,
                "finish_reason": choice.get("finish_reason"),
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama, lock = self._llama()
        with lock, _context_errors():
            produced = 0
            for part in _call(
                llama, to_chat_dicts(messages), self._params(stop, kwargs), stream=True
            ):
                delta = part["choices"][0].get("delta", {}).get("content")
                if not delta:
                    continue
                produced += 1  # llama-cpp streams one token per chunk
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                if run_manager:
                    run_manager.on_llm_new_token(delta, chunk=chunk)
                yield chunk
            # After generation the context holds prompt + completion tokens.
            prompt_tokens = max(0, int(llama.n_tokens) - produced)
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=_usage(prompt_tokens, produced),
                response_metadata={"model_name": self.model_name},
            )
        )

    def warm(self, messages: list[BaseMessage]) -> None:
        """Read these messages into the model's prompt cache now (one token generated and
        dropped), so the next call that starts with them only reads what is new."""
        llama, lock = self._llama()
        with lock:
            _call(llama, to_chat_dicts(messages), {"max_tokens": 1, "temperature": 0.0}, False)

    def with_structured_output(
        self, schema: Any, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable:
        """Grammar-constrained JSON: llama.cpp honours `json_object` + `schema` in process."""
        if include_raw:
            raise NotImplementedError("include_raw is not supported by the local model")
        is_model = isinstance(schema, type) and issubclass(schema, BaseModel)
        json_schema = schema.model_json_schema() if is_model else schema
        bound = self.bind(response_format={"type": "json_object", "schema": json_schema})

        def parse(message: BaseMessage) -> Any:
            try:
                # strict=False: the grammar may let raw newlines into JSON strings.
                data = json.loads(str(message.content), strict=False)
                return schema.model_validate(data) if is_model else data
            except (json.JSONDecodeError, ValidationError) as exc:
                first_line = str(exc).splitlines()[0]
                raise MalformedResponse(
                    f"The embedded model returned JSON that does not fit the schema: {first_line}.",
                    hint="Retry; if it repeats, raise max_tokens or use a larger model.",
                ) from exc

        return bound | RunnableLambda(parse)


def _call(llama: Any, messages: list[dict[str, str]], params: dict[str, Any], stream: bool) -> Any:
    with _context_errors():
        return llama.create_chat_completion(messages=messages, stream=stream, **params)


@contextmanager
def _context_errors() -> Iterator[None]:
    """llama.cpp says "exceed context window" as a ValueError, when called or mid-stream."""
    try:
        yield
    except ValueError as exc:
        if "context window" in str(exc) or "exceed" in str(exc):
            raise InputError(
                f"The conversation is too long for the embedded model: {exc}.",
                hint="Start a new session, or use a provider with a larger context.",
            ) from exc
        raise


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "input_tokens": prompt_tokens,
        "output_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
