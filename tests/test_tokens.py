"""Token counting must work with the network unreachable."""

from __future__ import annotations

import socket

import pytest

from hotseat import tokens


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    tokens.encoding.cache_clear()


def test_counting_works_offline(no_network: None) -> None:
    assert tokens.count_text("hello world") == 2  # cl100k_base: "hello", " world"
    n = tokens.count_tokens([{"role": "user", "content": "My card was charged twice!"}])
    assert 8 < n < 20


def test_count_grows_with_messages() -> None:
    one = tokens.count_tokens([{"role": "user", "content": "hi"}])
    two = tokens.count_tokens(
        [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello there"}]
    )
    assert two > one


def test_langchain_messages_count_like_dicts() -> None:
    from langchain_core.messages import HumanMessage

    assert tokens.count_tokens([HumanMessage("charged twice")]) == tokens.count_tokens(
        [{"role": "human", "content": "charged twice"}]
    )


def test_cost_from_price_file() -> None:
    usage = tokens.usage_and_cost([{"role": "user", "content": "x " * 100}], "ok", "gpt-4.1-mini")
    price = tokens.prices()["gpt-4.1-mini"]
    expected = usage.prompt_tokens * price["input"] + usage.completion_tokens * price["output"]
    assert usage.cost_usd == pytest.approx(expected / 1e6)
    assert usage.priced


def test_dated_snapshot_uses_family_price_and_unknown_is_flagged() -> None:
    assert tokens.cost("gpt-4.1-mini-2025-04-14", 1_000_000, 0)[0] == pytest.approx(0.40)
    assert tokens.cost("mystery-model", 1000, 1000) == (0.0, False)


def test_local_models_are_free() -> None:
    assert tokens.cost("qwen2.5-coder-1.5b", 10_000, 10_000) == (0.0, True)
