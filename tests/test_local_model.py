"""The embedded model really generates, streams and follows a JSON schema (SmolLM2-135M).

SmolLM2 is too weak to hold a role; these tests check plumbing only: chat template,
streaming, usage, grammar-constrained JSON, one instance per role, thread safety.
"""

from __future__ import annotations

import threading

import pytest
from pydantic import BaseModel, Field

from hotseat.llm import chat_model
from hotseat.llm.local_chat import LocalChatModel, load_llama
from hotseat.settings import Settings, load_settings

pytestmark = pytest.mark.local_model


@pytest.fixture(scope="module")
def local_settings() -> Settings:
    return load_settings(environ={"HOTSEAT_LOCAL_MODEL": "smollm2-135m"})


def test_auto_without_key_is_local(local_settings: Settings) -> None:
    assert local_settings.resolved_provider == "local"
    assert isinstance(chat_model("customer", local_settings), LocalChatModel)


def test_generates_text_for_a_chat_prompt(local_settings: Settings) -> None:
    model = chat_model("customer", local_settings, max_tokens=24, seed=7)
    reply = model.invoke([("system", "You are a customer."), ("human", "What is your name?")])
    assert isinstance(reply.content, str) and len(reply.content.split()) >= 2
    usage = reply.usage_metadata
    assert usage and usage["input_tokens"] > 5 and 0 < usage["output_tokens"] <= 24


def test_streams_tokens_with_usage(local_settings: Settings) -> None:
    model = chat_model("customer", local_settings, max_tokens=16, seed=1)
    chunks = list(model.stream([("human", "Count from one to ten.")]))
    text_chunks = [c for c in chunks if c.content]
    assert len(text_chunks) >= 3
    total = sum(chunks[1:], chunks[0])
    assert total.usage_metadata["output_tokens"] == len(text_chunks)
    assert total.usage_metadata["input_tokens"] > 3


def test_same_seed_same_text(local_settings: Settings) -> None:
    model = chat_model("judge", local_settings, max_tokens=16)  # temperature 0
    prompt = [("human", "Name a colour.")]
    assert model.invoke(prompt).content == model.invoke(prompt).content


class Mood(BaseModel):
    feeling: str = Field(max_length=40)
    anger: int = Field(ge=0, le=10)


def test_schema_constrained_json(local_settings: Settings) -> None:
    model = chat_model("judge", local_settings, max_tokens=60)
    result = model.with_structured_output(Mood).invoke(
        [("human", "Describe an angry customer as JSON with feeling and anger 0-10.")]
    )
    assert isinstance(result, Mood) and 0 <= result.anger <= 10


def test_one_instance_per_role_and_threads_serialise(local_settings: Settings) -> None:
    customer = chat_model("customer", local_settings, max_tokens=8, seed=3)
    judge = chat_model("judge", local_settings, max_tokens=8)
    a = load_llama(customer.model_path, "customer", customer.n_ctx, customer.n_threads)
    b = load_llama(judge.model_path, "judge", judge.n_ctx, judge.n_threads)
    assert a[0] is not b[0]
    assert load_llama(customer.model_path, "customer", customer.n_ctx, 2)[0] is a[0]
    llama = a[0]
    inside, most = 0, 0
    count_lock = threading.Lock()
    real = llama.create_chat_completion

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal inside, most
        with count_lock:
            inside += 1
            most = max(most, inside)
        try:
            return real(*args, **kwargs)
        finally:
            with count_lock:
                inside -= 1

    llama.create_chat_completion = counting
    results: list[str] = []
    try:
        threads = [
            threading.Thread(
                target=lambda: results.append(str(customer.invoke([("human", "Say hi.")]).content))
            )
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        llama.create_chat_completion = real
    assert len(results) == 3 and all(isinstance(r, str) for r in results)
    assert most == 1  # calls on one instance never overlapped


def test_warming_reads_the_prompt_so_the_next_call_reuses_it(local_settings: Settings) -> None:
    from langchain_core.messages import HumanMessage, SystemMessage

    model = chat_model("customer", local_settings, max_tokens=8, seed=3)
    system = SystemMessage("You are Dana, a customer charged twice for one payment. " * 8)
    model.warm([system, HumanMessage("")])
    llama, _ = load_llama(model.model_path, model.role_key, model.n_ctx, model.n_threads)
    warmed = list(llama.input_ids[: llama.n_tokens])
    assert len(warmed) > 60  # the system prompt is in the cache
    reply = model.invoke([system, HumanMessage("Where is my money?")])
    assert isinstance(reply.content, str) and reply.content
    # The real call began with the tokens the warm-up read, up to where the empty turn
    # closed (its end marker, the assistant header and the one token generated).
    after = list(llama.input_ids[: llama.n_tokens])
    shared = next(
        (i for i, (a, b) in enumerate(zip(warmed, after, strict=False)) if a != b),
        min(len(warmed), len(after)),
    )
    assert shared >= len(warmed) - 8
