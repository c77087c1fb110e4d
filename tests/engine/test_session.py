"""The engine end to end: real ChatOpenAI over loopback HTTP, a real SQLite file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

import hotseat.store.store as store_module
from hotseat.engine import Engine
from hotseat.errors import InputError, ProviderError
from hotseat.personas import card_content, get_card
from hotseat.store import SessionConflict, Store
from tests.engine.helpers import GOOD, NEUTRAL, ScriptedEvaluator
from tests.store.helpers import child_env


def _play(engine: Engine, session_id: str, reply: str) -> tuple[str, str]:
    outcome = engine.submit(session_id, reply)
    return outcome.intent, engine.say_customer(session_id)


def test_start_stores_the_opening_line_and_frozen_versions(engine, store, fake_openai) -> None:
    view = engine.start("ann", "double-charge", seed=1)
    card = get_card("double-charge")
    assert view.transcript[0].text == card.lines.opening[1]
    assert view.awaiting == "agent" and view.end_state is None
    assert fake_openai.requests == []  # the opening is scripted, not generated
    session = store.get_session(view.session_id)
    assert store.get_version(session.persona_hash).content == card_content(card)
    assert "customer_system.md" in store.get_version(session.prompt_hash).content


def test_good_replies_calm_the_customer_until_resolved(engine, fake_openai) -> None:
    view = engine.start("ann", "double-charge")
    moods, end = [view.mood], None
    for _ in range(10):
        outcome = engine.submit(view.session_id, "I will refund the duplicate today.")
        engine.say_customer(view.session_id)
        moods.append(outcome.mood_after)
        end = outcome.end_state
        if end:
            break
    assert end == "resolved"
    assert all(b.anger > a.anger for a, b in zip(moods[1:], moods[:-1], strict=True))
    assert all(b.trust < a.trust for a, b in zip(moods[1:], moods[:-1], strict=True))
    assert moods[-1].fear < moods[0].fear
    final = engine.view(view.session_id)
    assert final.end_state == "resolved" and final.awaiting == "nobody"
    assert final.transcript[-1].intent == "thank_close"
    with pytest.raises(InputError, match="has ended"):
        engine.submit(view.session_id, "Anything else?")


def test_transfer_and_calm_down_raise_anger(engine) -> None:
    view = engine.start("ann", "double-charge", difficulty="easy")
    first = engine.submit(view.session_id, "Please calm down.")
    assert first.mood_after.anger > first.mood_before.anger
    assert first.fired == ["minimising"]
    engine.say_customer(view.session_id)
    second = engine.submit(view.session_id, "I can transfer you to billing.")
    assert second.mood_after.anger >= second.mood_before.anger
    assert "transfer" in second.fired


def test_repeated_deflection_ends_with_supervisor_or_hang_up(engine) -> None:
    view = engine.start("ann", "double-charge")
    intents = []
    for _ in range(6):
        intent, _line = _play(engine, view.session_id, "Let me transfer you to billing.")
        intents.append(intent)
        if engine.view(view.session_id).end_state:
            break
    final = engine.view(view.session_id)
    assert final.end_state in ("demands_supervisor", "hangs_up")
    assert intents[-1] in ("demand_supervisor", "hang_up")
    assert len(intents) <= get_card("double-charge").end_conditions.patience


def test_difficulty_changes_good_replies_needed(fake_settings, store) -> None:
    needed = {}
    for difficulty in ("easy", "standard", "hard"):
        engine = Engine(fake_settings, store, ScriptedEvaluator(*[GOOD] * 20))
        view = engine.start("ann", "double-charge", difficulty=difficulty)
        for n in range(1, 20):  # noqa: B007 - n is the count we measure
            if engine.submit(view.session_id, "Here is what I will do.").end_state:
                break
            engine.say_customer(view.session_id)
        assert engine.view(view.session_id).end_state == "resolved"
        needed[difficulty] = n
    assert 2 <= needed["easy"] < needed["standard"] < needed["hard"], needed


def test_escalated_customer_prompt_names_the_transfers(engine, fake_openai) -> None:
    card = get_card("tier2-transfers")
    view = engine.start("ann", "tier2-transfers")
    _play(engine, view.session_id, "I hear you.")
    system = fake_openai.requests[-1]["messages"][0]["content"]
    transfers = [c.transferred_to for c in card.history if c.transferred_to]
    assert transfers and all(t in system for t in transfers)


def test_role_reversal_is_regenerated_then_replaced_and_counted(engine, fake_openai) -> None:
    view = engine.start("ann", "double-charge")
    fake_openai.script("How can I help you today?", "Where is my money?")
    _play(engine, view.session_id, "I hear you.")
    fake_openai.script("I'll look into that for you.", "Thank you for calling!")
    intent, line = _play(engine, view.session_id, "Hmm.")
    card = get_card("double-charge")
    assert line in card.lines.for_intent(intent)  # both tries failed: the card's line
    after = engine.view(view.session_id)
    customer = [t for t in after.transcript if t.role == "customer"]
    assert customer[1].text == "Where is my money?" and customer[1].repaired
    assert customer[2].repaired and after.repairs == 2
    assert "help you" not in " ".join(t.text for t in customer).lower()
    # Each failed check is kept per turn, so role reversal is counted apart from
    # lines that were only too long.
    assert customer[1].problems == ["role_reversal"]
    assert customer[2].problems == ["role_reversal", "role_reversal", "fallback"]
    # The regeneration carried a one-line repair for the defect; the first try did not.
    last_two = [r["messages"][-1]["content"] for r in fake_openai.requests[-2:]]
    assert "You spoke as the agent" not in last_two[0]
    assert last_two[1].endswith(
        "(You spoke as the agent. Speak only as the customer, about your own problem.)"
    )
    fake_openai.script("Fine. One. Two. Three. Four.")
    _play(engine, view.session_id, "I will refund it today.")
    after = engine.view(view.session_id)
    assert after.transcript[-1].problems == ["too_long"] and after.repairs == 3
    assert after.role_reversals == 2


def test_every_turn_is_in_the_database_after_each_call(engine, fake_settings) -> None:
    view = engine.start("ann", "double-charge")
    with Store(fake_settings.db_url) as other:  # a second connection sees committed rows
        assert len(other.list_turns(view.session_id)) == 1
        engine.submit(view.session_id, "I will refund it today.")
        turns = other.list_turns(view.session_id)
        assert [t.role for t in turns] == ["customer", "agent"]
        assert turns[1].grade["empathy"] == GOOD.empathy and turns[1].mood_after
        engine.say_customer(view.session_id)
        turns = other.list_turns(view.session_id)
        assert len(turns) == 3 and turns[2].prompt_tokens > 0 and turns[2].model
        assert turns[2].completion_tokens > 0 and turns[2].cost_usd >= 0


def test_killed_session_resumes_in_a_new_engine(fake_settings, store, evaluator) -> None:
    first = Engine(fake_settings, store, evaluator)
    view = first.start("ann", "double-charge")
    first.submit(view.session_id, "Please calm down.")
    del first  # the process dies here, before the customer answered
    with Store(fake_settings.db_url) as fresh_store:
        second = Engine(fake_settings, fresh_store, ScriptedEvaluator())
        resumed = second.view(view.session_id)
        assert resumed.awaiting == "customer" and len(resumed.transcript) == 2
        assert resumed.mood.anger > get_card("double-charge").emotion.start.anger
        second.say_customer(view.session_id)
        second.submit(view.session_id, "I will fix it today.")
        assert len(second.view(view.session_id).transcript) == 4


def test_provider_failure_keeps_the_reply_and_retry_works(engine, fake_openai) -> None:
    view = engine.start("ann", "double-charge")
    engine.submit(view.session_id, "I will refund it today.")
    fake_openai.fault("500", times=5)
    with pytest.raises(ProviderError):
        engine.say_customer(view.session_id)
    mid = engine.view(view.session_id)
    assert [t.role for t in mid.transcript] == ["customer", "agent"]
    assert mid.awaiting == "customer"
    fake_openai.reset()
    fake_openai.script("Fine. When?")
    assert engine.say_customer(view.session_id) == "Fine. When?"
    assert engine.view(view.session_id).awaiting == "agent"


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("x" * 20_000, "20,000 characters"),
    ],
)
def test_bad_reply_gets_a_clear_message_and_nothing_is_lost(engine, text, message) -> None:
    view = engine.start("ann", "double-charge")
    with pytest.raises(InputError, match=message) as info:
        engine.submit(view.session_id, text)
    assert info.value.hint  # says what to do
    after = engine.view(view.session_id)
    assert after.transcript == view.transcript and after.mood == view.mood
    assert after.awaiting == "agent"
    engine.submit(view.session_id, "I will refund it today.")  # the session still works


def test_customer_must_not_answer_twice(engine) -> None:
    view = engine.start("ann", "double-charge")
    with pytest.raises(InputError, match="nothing to answer"):
        engine.say_customer(view.session_id)
    engine.submit(view.session_id, "Hello.")
    with pytest.raises(InputError, match="not answered"):
        engine.submit(view.session_id, "Hello again.")


def test_branch_copies_earlier_turns_and_replays_the_mood(engine, store) -> None:
    view = engine.start("ann", "double-charge")
    engine.submit(view.session_id, "I will refund it today.")
    engine.say_customer(view.session_id)
    engine.submit(view.session_id, "Please calm down.")
    engine.say_customer(view.session_id)
    parent = engine.view(view.session_id)
    child_id = engine.branch(view.session_id, 3, "I will also cover the overdraft fee.")
    child = engine.view(child_id)
    assert [t.text for t in child.transcript[:3]] == [t.text for t in parent.transcript[:3]]
    assert child.transcript[3].text == "I will also cover the overdraft fee."
    assert child.parent_session_id == view.session_id and child.branch_turn == 3
    assert child.mood.anger < parent.mood.anger and child.awaiting == "customer"
    child_hash = store.get_session(child_id).persona_hash
    assert child_hash == store.get_session(view.session_id).persona_hash
    with pytest.raises(InputError, match="not one of the trainee's replies"):
        engine.branch(view.session_id, 0, "Hi.")


def test_unknown_persona_or_difficulty_says_what_exists(engine) -> None:
    with pytest.raises(InputError, match="double-charge"):
        engine.start("ann", "no-such-persona")
    with pytest.raises(InputError, match="hard"):
        engine.start("ann", "double-charge", difficulty="brutal")


def test_grader_sees_the_last_customer_line_and_scenario(engine, evaluator) -> None:
    view = engine.start("ann", "double-charge")
    engine.submit(view.session_id, "I will refund it today.")
    request = evaluator.requests[-1]
    assert request.customer == view.transcript[0].text
    assert request.persona_id == "double-charge" and "rent" in (request.scenario or "")


def test_a_turn_and_the_state_after_it_commit_together(
    fake_settings, store, evaluator, fake_openai, monkeypatch
) -> None:
    engine = Engine(fake_settings, store, evaluator)
    view = engine.start("ann", "double-charge")
    engine.submit(view.session_id, "I will refund the duplicate today.")
    fake_openai.script("Fine. Today, you said.", "Fine. Today, you said.")

    def crash(*args, **kwargs):  # the process dies after the turn row, before the state
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module, "_apply", crash)
    with pytest.raises(KeyboardInterrupt):
        engine.say_customer(view.session_id)
    monkeypatch.undo()

    resumed = Engine(fake_settings, store, evaluator)
    # Neither half landed: the line is still owed, so a retry speaks it once.
    assert resumed.view(view.session_id).awaiting == "customer"
    assert [t.role for t in store.list_turns(view.session_id)] == ["customer", "agent"]
    assert resumed.say_customer(view.session_id) == "Fine. Today, you said."
    after = resumed.view(view.session_id)
    assert after.awaiting == "agent"
    assert [t.role for t in after.transcript] == ["customer", "agent", "customer"]


def test_another_process_answering_first_makes_the_stale_step_fail_cleanly(
    fake_settings, store, fake_openai
) -> None:
    # Two engines with separate locks stand for two app processes on one database.
    other = Engine(fake_settings, store, ScriptedEvaluator())

    class RacingEvaluator(ScriptedEvaluator):
        def grade(self, request):  # type: ignore[no-untyped-def]
            if len(self.requests) == 0:  # while we grade, the other process submits
                other.submit(session_id, "I will refund it now (other tab).")
            return super().grade(request)

    engine = Engine(fake_settings, store, RacingEvaluator())
    session_id = engine.start("ann", "double-charge").session_id
    with pytest.raises(SessionConflict, match="changed while"):
        engine.submit(session_id, "I will refund it today.")
    turns = store.list_turns(session_id)
    assert [(t.role, t.text) for t in turns[1:]] == [("agent", "I will refund it now (other tab).")]
    assert engine.view(session_id).awaiting == "customer"  # the winner's state stands


def test_two_tabs_submitting_at_once_store_one_reply(engine, store) -> None:
    import threading

    view = engine.start("ann", "double-charge")
    results: list[str] = []

    def send(text: str) -> None:
        try:
            engine.submit(view.session_id, text)
            results.append("ok")
        except InputError:
            results.append("refused")

    threads = [
        threading.Thread(target=send, args=(f"I will refund it now ({i}).",)) for i in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert [t.role for t in store.list_turns(view.session_id)] == ["customer", "agent"]


def test_process_killed_while_the_customer_speaks_resumes_in_a_new_process(
    fake_settings, store, evaluator, fake_openai
) -> None:
    fake_openai.fault("hang", seconds=60)
    child = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("_engine_child.py")),
            fake_openai.base_url,
            fake_settings.db_url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert child.stdout is not None
        session_id = child.stdout.readline().strip()
        assert child.stdout.readline().strip() == "submitted", child.stderr.read()
        while not fake_openai.requests:  # it is now waiting on the customer's line
            assert child.poll() is None, child.stderr.read()
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    resumed = Engine(fake_settings, store, evaluator)
    view = resumed.view(session_id)
    assert [t.role for t in view.transcript] == ["customer", "agent"]
    assert view.awaiting == "customer" and view.transcript[1].grade is not None
    fake_openai.reset()
    fake_openai.script("Today? Fine, I'll hold you to that.")
    assert resumed.say_customer(session_id) == "Today? Fine, I'll hold you to that."
    assert resumed.view(session_id).awaiting == "agent"


def test_what_grading_a_reply_cost_is_stored_on_the_agent_turn(
    fake_settings, store, fake_openai
) -> None:
    from evaluators.grade import Usage

    paid = GOOD.model_copy(
        update={"usage": Usage(prompt_tokens=900, completion_tokens=80, cost_usd=0.0031)}
    )
    engine = Engine(fake_settings, store, ScriptedEvaluator(paid))
    view = engine.start("ann", "double-charge")
    engine.submit(view.session_id, "I will refund it today.")
    after = engine.view(view.session_id)
    agent = after.transcript[1]
    assert (agent.prompt_tokens, agent.completion_tokens, agent.cost_usd) == (900, 80, 0.0031)
    assert after.totals["prompt_tokens"] == 900
    assert after.totals["cost_usd"] == pytest.approx(0.0031)


WARMED: list[list] = []


class _WarmableModel(FakeListChatModel):
    """A customer model with a prompt cache to warm (like the embedded one)."""

    def warm(self, messages) -> None:
        WARMED.append(messages)


def test_the_next_prompt_is_read_ahead_while_the_trainee_types(fake_settings, store) -> None:
    model = _WarmableModel(responses=["Where is my money?", "When exactly?"])
    engine = Engine(fake_settings, store, ScriptedEvaluator(), customer_model=model)
    view = engine.start("ann", "double-charge")
    thread = engine.prewarm(view.session_id)
    assert thread is not None
    thread.join()
    warmed = WARMED[-1]
    engine.submit(view.session_id, "I'm so sorry. I'll reverse the second charge today.")
    sent = engine.next_messages(view.session_id)
    # Everything before the new turn is what was read ahead; the new turn opens the same.
    assert [m.content for m in warmed[:-1]] == [m.content for m in sent[:-1]]
    assert warmed[-1].content == "" and warmed[-1].type == sent[-1].type == "human"


def test_a_remote_model_is_not_warmed(engine) -> None:
    view = engine.start("ann", "double-charge")
    assert engine.prewarm(view.session_id) is None


def test_the_fallback_line_is_never_one_already_said(engine, fake_openai) -> None:
    """Two failed tries in a row on two turns: the card's line, but not the same one twice."""
    view = engine.start("ann", "double-charge")
    said = []
    for reply in ("Hmm.", "Okay then."):
        fake_openai.script("How can I help you today?", "Thank you for calling!")
        _, line = _play(engine, view.session_id, reply)
        said.append(line)
    transcript = engine.view(view.session_id).transcript
    customer = [t.text for t in transcript if t.role == "customer"]
    assert len(set(customer)) == len(customer), customer
    assert all("fallback" in t.problems for t in transcript if t.text in said)


class _CountingModel(FakeListChatModel):
    """The embedded model's stand-in: records every prompt it is asked to voice."""

    prompts: list = []

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.prompts.append(messages)
        return super()._stream(messages, stop, run_manager, **kwargs)


def _embedded_engine(fake_settings, store, *replies: str) -> tuple[Engine, _CountingModel]:
    settings = fake_settings.model_copy(update={"provider": "local"})
    model = _CountingModel(responses=list(replies) or ["unused"], prompts=[])
    # Warm but powerless: the customer pushes back for something concrete.
    grades = ScriptedEvaluator(NEUTRAL, NEUTRAL)
    return Engine(settings, store, grades, customer_model=model), model


def test_on_the_embedded_model_a_hidden_fact_is_told_in_the_cards_own_line(
    fake_settings, store
) -> None:
    """The 1.5B model retold hidden facts in the third person ("She needs two vials"):
    the card's reveal line is said as written, and the model is not asked at all."""
    engine, model = _embedded_engine(fake_settings, store)
    card = get_card("double-charge")
    view = engine.start("ann", "double-charge")
    outcome = engine.submit(view.session_id, "Did the bank charge you any overdraft fees?")
    assert outcome.intent == "reveal"
    line = engine.say_customer(view.session_id)
    ids = [f.id for f in card.scenario.hidden_facts]
    assert line == card.lines.reveal[ids.index("overdraft")]
    assert model.prompts == []
    assert engine.view(view.session_id).transcript[-1].problems == ["as_written"]


def test_on_the_embedded_model_the_closing_thanks_is_the_cards_own_line(
    fake_settings, store
) -> None:
    """The checks turned away every closing thanks the 1.5B model wrote in the card-line
    run: the card's thank-you is said as written, with no model call before it."""
    engine, model = _embedded_engine(fake_settings, store, "I see. What happens next?")
    card = get_card("double-charge")
    view = engine.start("ann", "double-charge")
    for _ in range(10):
        outcome = engine.submit(view.session_id, "I will refund the duplicate today.")
        asked = len(model.prompts)
        line = engine.say_customer(view.session_id)
        if outcome.end_state:
            break
    assert outcome.end_state == "resolved" and outcome.intent == "thank_close"
    assert line in card.lines.thank_close
    assert len(model.prompts) == asked
    assert engine.view(view.session_id).transcript[-1].problems == ["as_written"]


def test_on_the_embedded_model_a_line_off_the_moves_meaning_is_replaced_without_a_repair(
    fake_settings, store
) -> None:
    """ "I can do that." where the customer should push back: no pattern sees it, the
    meaning check does, and the card's line is said at once (a repair note would not help)."""
    engine, model = _embedded_engine(fake_settings, store, "I can do that.")
    view = engine.start("ann", "double-charge")
    assert engine.submit(view.session_id, "I hear you.").intent == "push_back"
    line = engine.say_customer(view.session_id)
    card = get_card("double-charge")
    assert line in card.lines.for_intent("push_back", "heated")
    assert len(model.prompts) == 1  # no second try
    # The line the model was asked to voice is the one said when it drifted.
    assert f'"{line}"' in model.prompts[0][-1].content
    assert engine.view(view.session_id).transcript[-1].problems == ["off_line", "fallback"]


def test_on_the_embedded_model_a_line_that_says_the_move_in_its_own_words_is_kept(
    fake_settings, store
) -> None:
    mine = "Looking into it is not an answer. What date do I get my money back?"
    engine, model = _embedded_engine(fake_settings, store, mine)
    view = engine.start("ann", "double-charge")
    assert engine.submit(view.session_id, "I hear you.").intent == "push_back"
    assert engine.say_customer(view.session_id) == mine
    assert engine.view(view.session_id).transcript[-1].problems == []


def test_a_cloud_model_is_not_held_to_the_cards_lines(fake_settings, store, fake_openai) -> None:
    """A cloud model writes its own lines well: no meaning check, and it tells facts itself."""
    engine = Engine(fake_settings, store, ScriptedEvaluator(NEUTRAL, NEUTRAL))
    view = engine.start("ann", "double-charge")
    fake_openai.script("I can do that.", "Thirty-five dollars, on Tuesday. Because of you.")
    assert _play(engine, view.session_id, "I hear you.") == ("push_back", "I can do that.")
    assert _play(engine, view.session_id, "Did the bank charge you any overdraft fees?") == (
        "reveal",
        "Thirty-five dollars, on Tuesday. Because of you.",
    )


def test_when_every_line_for_the_move_was_said_the_nearest_moves_lines_follow(
    fake_settings, store
) -> None:
    """A warm but powerless rep draws push-back after push-back: once the card's push-back
    lines are all said, its vent lines keep the customer from repeating a line."""
    card = get_card("double-charge")
    pushes = {*card.lines.for_intent("push_back", "heated"), *card.lines.calmer.push_back}
    settings = fake_settings.model_copy(update={"provider": "local"})
    model = _CountingModel(responses=["I can do that."], prompts=[])
    engine = Engine(settings, store, ScriptedEvaluator(*[NEUTRAL] * 12), customer_model=model)
    view = engine.start("ann", "double-charge")
    said = []
    for _ in range(len(pushes) + 2):
        outcome = engine.submit(view.session_id, "I hear you.")
        said.append(engine.say_customer(view.session_id))
        if outcome.end_state:
            break
    assert len(said) > len(pushes) and len(said) == len(set(said)), said
    assert set(said[: len(pushes)]) == pushes
    assert set(said[len(pushes) :]) <= {*card.lines.vent, *card.lines.calmer.vent}


def test_a_card_line_the_model_already_voiced_in_its_own_words_is_not_said_again(
    fake_settings, store
) -> None:
    """Three drifting lines use up three of the card's push-backs; the model then says the
    fourth nearly as written; when it drifts again, the card's line must not be that fourth
    one word for word (a labelled run showed exactly this)."""
    engine, model = _embedded_engine(fake_settings, store)
    view = engine.start("ann", "double-charge")

    def turn(line: str | None) -> str:
        engine.submit(view.session_id, "I hear you.")
        given = engine.next_messages(view.session_id)[-1].content.split('"')[-2]
        model.responses, model.i = [line or f"{given.rstrip('.?!')}, okay?"], 0
        return given

    heated = get_card("double-charge").lines.push_back
    for _ in range(len(heated) - 1):
        turn("I can do that.")
        engine.say_customer(view.session_id)
    last = turn(None)
    assert engine.say_customer(view.session_id) != last  # the model's near-copy of it
    turn("I can do that.")
    assert engine.say_customer(view.session_id) != last
    assert engine.view(view.session_id).transcript[-1].problems == ["off_line", "fallback"]
