"""One simulated conversation: a trainee bot against a persona, through the real engine."""

from __future__ import annotations

import time

from hotseat.bots import BotContext, BotTurn, TraineeBot
from hotseat.engine import Engine
from hotseat.personas import get_card
from hotseat.simulate.records import ConversationRecord, JobKey, TurnOut

SAFETY_TURNS = 60  # a card's max_turns ends a call long before this; a bug must not loop


def run_conversation(
    engine: Engine, bot: TraineeBot, key: JobKey, turns_cap: int | None = None
) -> ConversationRecord:
    """Play the conversation to its end state (or `turns_cap` agent replies); record it."""
    started = time.perf_counter()
    card = get_card(key.persona, key.difficulty, engine.personas_dir)
    view = engine.start(f"bot:{bot.name}", key.persona, key.difficulty, key.seed)
    sid = view.session_id
    history = [BotTurn(role="customer", text=view.transcript[-1].text)]
    bot_prompt = bot_completion = 0
    bot_cost = 0.0
    replies = 0
    end_state: str | None = None
    limit = min(turns_cap or SAFETY_TURNS, SAFETY_TURNS)
    while replies < limit:
        reply = bot.reply(BotContext(card=card, history=history, seed=key.seed, turn=replies))
        bot_prompt += reply.prompt_tokens
        bot_completion += reply.completion_tokens
        bot_cost += reply.cost_usd
        outcome = engine.submit(sid, reply.text)
        replies += 1
        # The customer always answers, the closing line included.
        line = engine.say_customer(sid)
        history += [BotTurn(role="agent", text=reply.text), BotTurn(role="customer", text=line)]
        if outcome.end_state is not None:
            end_state = outcome.end_state
            break
    capped = end_state is None
    final = engine.view(sid)
    totals = final.totals
    prompt_tokens = int(totals["prompt_tokens"]) + bot_prompt
    completion_tokens = int(totals["completion_tokens"]) + bot_completion
    session = engine.store.get_session(sid)
    return ConversationRecord(
        **key.model_dump(),
        bot_mode=bot.mode,
        end_state=end_state or "turn_limit",
        capped=capped,
        turns_count=replies,
        turns=[
            TurnOut(
                index=t.index,
                role=t.role,
                text=t.text,
                mood=t.mood_after,
                intent=t.intent,
                grade=t.grade.model_dump(mode="json") if t.grade else None,
                repaired=t.repaired,
                problems=t.problems,
            )
            for t in final.transcript
        ],
        tokens={
            "prompt": prompt_tokens,
            "completion": completion_tokens,
            "total": prompt_tokens + completion_tokens,
        },
        cost=round(float(totals["cost_usd"]) + bot_cost, 6),
        repairs=final.repairs,
        role_reversals=final.role_reversals,
        evaluator=engine.evaluator.name,
        customer_model=engine.model_name,
        session_id=sid,
        persona_hash=session.persona_hash,
        elapsed_s=round(time.perf_counter() - started, 3),
    )
