"""Simulate fixtures: the fake server voices the customer; the offline grader grades."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.openai_server import FakeOpenAIServer

CUSTOMER_LINES = (
    "When do I get my money back? Give me a date.",
    "What's the reference number?",
    "I'm still not happy about any of this.",
)


def customer_responder(body: dict[str, Any]) -> str:
    # Vary by how far the conversation is, so bots face different questions.
    return CUSTOMER_LINES[len(body.get("messages", [])) % len(CUSTOMER_LINES)]


@pytest.fixture
def customer(fake_openai: FakeOpenAIServer) -> FakeOpenAIServer:
    fake_openai.responder = customer_responder
    return fake_openai
