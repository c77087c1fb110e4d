"""Batch simulation: trainee bots against personas, written to a resumable JSONL."""

from hotseat.simulate.records import ConversationRecord, JobKey, ResultFiles
from hotseat.simulate.runner import (
    Execute,
    Player,
    SimPlan,
    SimSummary,
    SimWork,
    check_plan,
    run_simulation,
)

__all__ = [
    "ConversationRecord",
    "Execute",
    "JobKey",
    "Player",
    "ResultFiles",
    "SimPlan",
    "SimSummary",
    "SimWork",
    "check_plan",
    "run_simulation",
]
