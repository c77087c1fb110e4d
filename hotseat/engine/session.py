"""The conversation engine: start, submit a reply, stream the customer, resume, branch.

No UI imports: the web app and the terminal chat both drive this class. Every step is
persisted before the call returns, so a browser refresh or a killed process loses
nothing already said. The card and prompt versions a session runs with are frozen in
the store at start and read back from there, so editing a file never changes a running
session (and the hash says exactly what it ran with).
"""

from __future__ import annotations

import contextlib
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage

from evaluators.grade import Evaluator, GradeRequest, Turn
from hotseat import paths
from hotseat.engine.customer_lines import card_line, line_rules
from hotseat.engine.intent import IntentChoice
from hotseat.engine.mood import Mood
from hotseat.engine.prompts import (
    DEFAULT_BUDGET,
    CustomerPrompts,
    PromptTurn,
    build_messages,
    load_prompts,
    prompts_from_content,
)
from hotseat.engine.replies import check_reply
from hotseat.engine.state import EngineState, Pending, mood_numbers, replay
from hotseat.engine.views import SessionView, TurnOutcome, session_view
from hotseat.engine.voice import SpokenLine, speak
from hotseat.errors import InputError
from hotseat.personas import Card, card_content, get_card
from hotseat.settings import Settings
from hotseat.store import NewSession, NewTurn, SessionRecord, Store, TurnRecord
from hotseat.store.branching import branch_session
from hotseat.store.errors import session_moved_on

GRADE_HISTORY_TURNS = 8  # context the evaluator sees; the grade is about the last reply


class Engine:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        evaluator: Evaluator,
        customer_model: BaseChatModel | None = None,
        personas_dir: Path | None = None,
        prompts_dir: Path | None = None,
        token_budget: int = DEFAULT_BUDGET,
    ) -> None:
        self.settings = settings
        self.store = store
        self.evaluator = evaluator
        # The configured folders, read now (not when this module was imported).
        self.personas_dir = Path(personas_dir or paths.personas_dir())
        self.prompts_dir = Path(prompts_dir or paths.prompts_dir())
        self.token_budget = token_budget
        self._model = customer_model
        self._cards: dict[str, Card] = {}
        self._prompts: dict[str, CustomerPrompts] = {}
        # One step at a time per session: two browser tabs on the same link (or a double
        # click) must not both pass the "whose turn is it" check and write twice.
        # Weak values: a session's lock lives only while a step holds it, so a server that
        # has seen thousands of sessions keeps no lock for any of them. Other processes on
        # the same database are kept out by the store's expect_index check instead.
        self._session_locks: weakref.WeakValueDictionary[str, threading.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._locks_guard = threading.Lock()

    # -- public API ---------------------------------------------------------------------

    def start(
        self,
        trainee_name: str,
        persona_id: str,
        difficulty: str = "standard",
        seed: int = 0,
        *,
        exam: bool = False,
    ) -> SessionView:
        """Open a session; the customer's scripted opening line is stored as turn 0.

        exam: the session is an exam (grades hidden until it ends); stored with the
        session, so no reload, link or second tab can show them earlier.
        """
        card = get_card(persona_id, difficulty, self.personas_dir)
        prompts = load_prompts(self.prompts_dir)
        persona_hash = self.store.save_version(
            "persona", f"{card.id}@{difficulty}", card_content(card)
        )
        prompt_hash = self.store.save_version("prompt", "customer", prompts.content)
        trainee = self.store.get_or_create_trainee(trainee_name)
        session = self.store.create_session(
            NewSession(
                trainee_id=trainee.id,
                persona_id=card.id,
                difficulty=difficulty,
                seed=seed,
                persona_hash=persona_hash,
                prompt_hash=prompt_hash,
                provider=self.settings.resolved_provider,
                models={"customer": self.model_name, "evaluator": self.evaluator.name},
            )
        )
        state = EngineState.fresh(card)
        state.exam = exam
        # Scripted, not generated: small models open in the agent's voice (measured: all three
        # embedded models drifted into the agent's role with a plain system prompt).
        opening = _pick(card.lines.opening, seed)
        self._add_turn(
            session.id,
            0,
            NewTurn(
                role="customer", text=opening, intent="opening", mood_after=mood_numbers(state.mood)
            ),
            state,
        )
        self.prewarm(session.id)
        return self.view(session.id)

    def submit(self, session_id: str, text: str, *, seen_turns: int | None = None) -> TurnOutcome:
        """Grade the trainee's reply, move the mood, store the turn, decide the next move.

        seen_turns: how many turns the trainee saw when they wrote the reply (a browser
        tab's last drawing). If the session has moved on since (another tab, or another
        app replica, answered first), SessionConflict is raised and nothing is written.
        """
        text = check_reply(text)
        with self._lock_for(session_id):
            return self._submit(session_id, text, seen_turns)

    def _submit(self, session_id: str, text: str, seen_turns: int | None) -> TurnOutcome:
        session = self.store.get_session(session_id)
        turns = self.store.list_turns(session_id)
        _check_seen(session_id, turns, seen_turns)
        state = self._state(session, turns)
        if session.end_state is not None and state.pending is None:
            raise InputError(
                f"This conversation has ended ({session.end_state.replace('_', ' ')}).",
                hint="Start a new session, or branch from an earlier reply to try again.",
            )
        if state.pending is not None:
            raise InputError(
                "The customer has not answered your last reply yet.",
                hint="Stream the customer's line first (retry if it failed).",
            )
        card = self._card(session)
        request = GradeRequest(
            customer=next(t.text for t in reversed(turns) if t.role == "customer"),
            reply=text,
            history=[Turn(role=t.role, text=t.text) for t in turns[-GRADE_HISTORY_TURNS:]],
            scenario=f"{card.summary} {' '.join(card.scenario.what_happened.split())}",
            persona_id=card.id,
            needs=list(card.scenario.resolution_needs),
        )
        started = time.perf_counter()
        grade = self.evaluator.grade(request)
        grade_ms = (time.perf_counter() - started) * 1000
        before, fired, choice, end_state = state.advance(card, grade, text)
        record = self._add_turn(
            session_id,
            len(turns),
            NewTurn(
                role="agent",
                text=text,
                mood_after=mood_numbers(state.mood),
                grade=grade.model_dump(mode="json"),
                latency_ms=grade_ms,
                model=self.evaluator.name,
                # What grading this reply cost (an LLM judge and coach; zero offline), so the
                # session's totals and the batch reports include the evaluator's spend.
                prompt_tokens=grade.usage.prompt_tokens,
                completion_tokens=grade.usage.completion_tokens,
                cost_usd=grade.usage.cost_usd,
            ),
            state,
            end_state,
        )
        return TurnOutcome(
            session_id=session_id,
            turn_index=record.index,
            grade=grade,
            mood_before=before,
            mood_after=state.mood,
            fired=fired,
            intent=choice.intent,
            fact_id=choice.fact_id,
            end_state=end_state,
        )

    def stream_customer(self, session_id: str, *, seen_turns: int | None = None) -> Iterator[str]:
        """Stream the customer's next line; it is stored once complete.

        A ProviderError propagates; the agent turn is already stored and the pending
        line is kept, so calling this again retries. seen_turns as for submit: a tab
        whose session another tab or replica already moved on gets SessionConflict.
        """
        with self._lock_for(session_id):
            yield from self._stream_customer(session_id, seen_turns)

    def _stream_customer(self, session_id: str, seen_turns: int | None) -> Iterator[str]:
        session = self.store.get_session(session_id)
        turns = self.store.list_turns(session_id)
        _check_seen(session_id, turns, seen_turns)
        state = self._state(session, turns)
        pending = state.pending
        if pending is None:
            raise InputError(
                "The customer has nothing to answer yet.", hint="Submit the trainee's reply first."
            )
        card = self._card(session)
        fallback = card_line(card, pending, state.mood, session.seed, turns)
        messages = self._messages(session, state, pending, turns, line=fallback)
        rules = line_rules(
            self._prompts_for(session),
            card,
            pending.intent,
            agent=[t.text for t in turns if t.role == "agent"],
            customer=[t.text for t in turns if t.role == "customer"],
            embedded=self.settings.resolved_provider == "local",
        )
        line = SpokenLine()
        started = time.perf_counter()
        yield from speak(
            self.customer_model, self.model_name, messages, pending.intent, rules, fallback, line
        )
        latency_ms = (time.perf_counter() - started) * 1000
        state.pending = None
        state.repairs += int(line.repaired)
        self._add_turn(
            session_id,
            len(turns),
            NewTurn(
                role="customer",
                text=line.text,
                intent=pending.intent,
                mood_after=mood_numbers(state.mood),
                prompt_tokens=line.prompt_tokens,
                completion_tokens=line.completion_tokens,
                cost_usd=line.cost_usd,
                latency_ms=latency_ms,
                model=self.model_name,
                repaired=line.repaired,
                problems=line.problems,
            ),
            state,
        )
        self.prewarm(session_id)

    def prewarm(self, session_id: str) -> threading.Thread | None:
        """While the trainee types, read the next customer prompt's fixed part (persona,
        rules, every turn so far) into an embedded model's cache in the background; the
        customer's answer then only reads the new turn. No-op for remote providers."""
        if self._model is not None:
            can_warm = hasattr(self._model, "warm")
        else:  # not loaded yet: only the embedded model has a cache worth warming
            can_warm = self.settings.resolved_provider == "local"
        if not can_warm:
            return None
        messages = self._warm_messages(session_id)
        thread = threading.Thread(target=self.warm, args=(messages,), daemon=True)
        thread.start()
        return thread

    def warm(self, messages: list[BaseMessage]) -> None:
        # Only a speed-up: a failure here (weights missing, say) shows up, with its
        # message, on the real call that follows. Loading the model happens here too,
        # off the page's thread.
        with contextlib.suppress(Exception):
            warm = getattr(self.customer_model, "warm", None)
            if warm is not None:
                warm(messages)

    def _warm_messages(self, session_id: str) -> list[BaseMessage]:
        session = self.store.get_session(session_id)
        turns = self.store.list_turns(session_id)
        state = self._state(session, turns)
        # The next prompt as if the trainee had replied, cut at the opening of the new
        # turn: what follows depends on their reply and its grade.
        transcript = [*_transcript(turns), PromptTurn("agent", "")]
        messages = self._messages(session, state, Pending(intent="vent"), turns, transcript)
        return [*messages[:-1], HumanMessage("")]

    def say_customer(self, session_id: str) -> str:
        """The whole next customer line at once (for batch runs and tests)."""
        return "".join(self.stream_customer(session_id))

    def view(self, session_id: str) -> SessionView:
        session = self.store.get_session(session_id)
        turns = self.store.list_turns(session_id)
        state = self._state(session, turns)
        return session_view(
            session, turns, state, self._card(session), self.store.totals(session_id)
        )

    def branch(self, session_id: str, turn_index: int, new_text: str) -> str:
        """A new session with the turns before agent turn `turn_index`, then `new_text`."""
        text = check_reply(new_text)
        parent = self.store.get_session(session_id)
        turns = self.store.list_turns(session_id)
        target = next((t for t in turns if t.index == turn_index), None)
        if target is None or target.role != "agent":
            agent_turns = [t.index for t in turns if t.role == "agent"]
            raise InputError(
                f"Turn {turn_index} is not one of the trainee's replies.",
                hint=f"Branch from one of the agent turns {agent_turns}.",
            )
        card = self._card(parent)
        kept = [t for t in turns if t.index < turn_index]
        state = replay(card, kept)
        # One transaction: a crash leaves either no branch or a whole one.
        child = branch_session(
            self.store,
            parent.id,
            turn_index,
            mood=mood_numbers(state.mood),
            state=state.model_dump(mode="json"),
        )
        self.submit(child.id, text)
        return child.id

    # -- prompt building (public for the benchmark and tests) ---------------------------

    def next_messages(self, session_id: str) -> list[BaseMessage]:
        """The exact messages the pending customer line will be generated from."""
        session = self.store.get_session(session_id)
        turns = self.store.list_turns(session_id)
        state = self._state(session, turns)
        if state.pending is None:
            raise InputError(
                "The customer has nothing to answer yet.", hint="Submit the trainee's reply first."
            )
        return self._messages(session, state, state.pending, turns)

    def _messages(
        self,
        session: SessionRecord,
        state: EngineState,
        pending: Pending,
        turns: list[TurnRecord],
        transcript: list[PromptTurn] | None = None,
        line: str | None = None,
    ) -> list[BaseMessage]:
        """line: the card's line for the move, when the caller already chose it."""
        card = self._card(session)
        return build_messages(
            self._prompts_for(session),
            card,
            state.mood,
            IntentChoice(intent=pending.intent, fact_id=pending.fact_id),
            pending.end_state,
            transcript or _transcript(turns),
            state.fired,
            self.model_name,
            line=line or card_line(card, pending, state.mood, session.seed, turns),
            budget=self.token_budget,
        )

    @property
    def model_name(self) -> str:
        if self._model is not None:
            name = getattr(self._model, "model_name", None) or getattr(self._model, "model", None)
            if isinstance(name, str) and name:
                return name
        return self.settings.model_for("customer")

    @property
    def customer_model(self) -> BaseChatModel:
        if self._model is None:
            from hotseat.llm import chat_model  # the provider stack loads only when needed

            self._model = chat_model("customer", self.settings)
        return self._model

    # -- internals ----------------------------------------------------------------------

    def _lock_for(self, session_id: str) -> threading.Lock:
        with self._locks_guard:
            lock = self._session_locks.get(session_id)
            if lock is None:
                lock = self._session_locks[session_id] = threading.Lock()
            return lock

    def _card(self, session: SessionRecord) -> Card:
        if session.persona_hash not in self._cards:
            content = self.store.get_version(session.persona_hash).content
            self._cards[session.persona_hash] = Card.model_validate_json(content)
        return self._cards[session.persona_hash]

    def _prompts_for(self, session: SessionRecord) -> CustomerPrompts:
        if session.prompt_hash not in self._prompts:
            content = self.store.get_version(session.prompt_hash).content
            self._prompts[session.prompt_hash] = prompts_from_content(content)
        return self._prompts[session.prompt_hash]

    def _state(self, session: SessionRecord, turns: list[TurnRecord]) -> EngineState:
        if not session.state:
            raise InputError(
                f"Session {session.id!r} was not started by the engine.",
                hint="Start sessions with Engine.start().",
            )
        return EngineState.model_validate(session.state)

    def _add_turn(
        self,
        session_id: str,
        index: int,
        turn: NewTurn,
        state: EngineState,
        end_state: str | None = None,
    ) -> TurnRecord:
        """Store a turn and the state after it in one commit, at the index we read.

        One commit: a crash can't leave a turn without the mood it caused. The index
        check: another process stepping the same session makes this one fail cleanly.
        """
        return self.store.add_turn(
            session_id,
            turn,
            expect_index=index,
            end_state=end_state,
            mood=mood_numbers(state.mood),
            state=state.model_dump(mode="json"),
        )

    def _save_state(
        self, session_id: str, state: EngineState, end_state: str | None = None
    ) -> None:
        self.store.update_session(
            session_id,
            end_state=end_state,
            mood=mood_numbers(state.mood),
            state=state.model_dump(mode="json"),
        )


def _check_seen(session_id: str, turns: list[TurnRecord], seen_turns: int | None) -> None:
    # The store's index check catches two writers racing within one step; this catches
    # a step prepared against an older drawing of the session (a stale tab).
    if seen_turns is not None and seen_turns != len(turns):
        raise session_moved_on(session_id, len(turns), seen_turns)


def _transcript(turns: list[TurnRecord]) -> list[PromptTurn]:
    return [PromptTurn(t.role, t.text) for t in turns]


def _pick(lines: list[str], n: int) -> str:
    return lines[n % len(lines)]


__all__ = ["Engine", "Mood", "SessionView", "TurnOutcome", "check_reply"]
