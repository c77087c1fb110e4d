"""The conversation engine: mood rule, intent policy, customer prompts, sessions."""

from hotseat.engine.intent import IntentChoice, decide_intent
from hotseat.engine.mood import END_STATES, EndState, Mood, MoodStep, step_mood
from hotseat.engine.replies import MAX_REPLY_CHARS, check_reply
from hotseat.engine.session import Engine
from hotseat.engine.views import PersonaInfo, SessionView, TurnOutcome, TurnView

__all__ = [
    "END_STATES",
    "MAX_REPLY_CHARS",
    "EndState",
    "Engine",
    "IntentChoice",
    "Mood",
    "MoodStep",
    "PersonaInfo",
    "SessionView",
    "TurnOutcome",
    "TurnView",
    "check_reply",
    "decide_intent",
    "step_mood",
]
