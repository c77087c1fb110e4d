"""What a simulate run writes: one JSON object per finished conversation, appended durably.

`conversations.jsonl` is the run's result and its resume point: a conversation is done
exactly when its line is in the file. The writing (an atomic spec, fsynced appends, a
torn tail cut on reopening) is hotseat.resumable's, shared with `hotseat grade`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hotseat.resumable import AppendLog, claim, read_jsonl

CONVERSATIONS = "conversations.jsonl"
ERRORS = "errors.jsonl"
RUN_SPEC = "run.json"


class JobKey(BaseModel):
    """A conversation's identity: rerunning the same key is the same conversation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    persona: str
    bot: str
    seed: int
    difficulty: str

    def as_tuple(self) -> tuple[str, str, int, str]:
        return (self.persona, self.bot, self.seed, self.difficulty)

    def label(self) -> str:
        return f"{self.persona}/{self.bot}/seed {self.seed}/{self.difficulty}"


class TurnOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int
    role: str
    text: str
    mood: dict[str, float] | None
    intent: str | None = None
    grade: dict[str, Any] | None = None  # agent turns only
    repaired: bool = False
    problems: list[str] = Field(default_factory=list)  # checks that failed on this line


class ConversationRecord(JobKey):
    bot_mode: str
    end_state: str
    capped: bool = Field(description="stopped by --turns before the customer ended it")
    turns_count: int = Field(description="agent replies")
    turns: list[TurnOut]
    tokens: dict[str, int]
    cost: float
    repairs: int
    role_reversals: int = Field(
        default=0, description="customer lines on which the model spoke as the agent at least once"
    )
    evaluator: str
    customer_model: str
    session_id: str
    persona_hash: str
    persona_version: str = Field(
        default="",
        description="the card's named version id (v2), or its short hash and 'unnamed'; "
        "empty when the run was not asked to name versions",
    )
    elapsed_s: float


def key_of(row: dict[str, Any]) -> tuple[str, str, int, str] | None:
    try:
        return (str(row["persona"]), str(row["bot"]), int(row["seed"]), str(row["difficulty"]))
    except (KeyError, TypeError, ValueError):
        return None


class ResultFiles:
    """The run folder: finished keys, durable appends of results and errors."""

    def __init__(self, out_dir: Path) -> None:
        self.dir = Path(out_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conversations = self.dir / CONVERSATIONS
        self.errors = self.dir / ERRORS
        self._results = AppendLog(self.conversations)
        self._errors = AppendLog(self.errors)
        self.repaired_bytes = self._results.repaired_bytes
        self.finished: set[tuple[str, str, int, str]] = set()
        for row in read_jsonl(self.conversations):
            key = key_of(row)
            if key is not None:
                self.finished.add(key)

    def check_spec(self, spec: dict[str, Any]) -> None:
        """Refuse to mix runs whose settings would make the same key mean different things
        (the rule is hotseat.resumable's, shared with `hotseat grade`)."""
        claim(self.conversations, self.dir / RUN_SPEC, spec)

    def is_finished(self, key: JobKey) -> bool:
        return key.as_tuple() in self.finished

    def add_result(self, record: ConversationRecord) -> None:
        self._results.append(record.model_dump(mode="json"))
        self.finished.add(record.as_tuple())

    def add_error(self, key: JobKey, exc: BaseException) -> dict[str, Any]:
        row = {
            **key.model_dump(),
            "error": str(exc),
            "type": type(exc).__name__,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        self._errors.append(row)
        return row
