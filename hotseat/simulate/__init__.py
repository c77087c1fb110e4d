"""Batch simulation: trainee bots against personas, written to a resumable JSONL."""

from hotseat.simulate.records import ConversationRecord, JobKey, ResultFiles
from hotseat.simulate.runner import SimPlan, SimSummary, check_plan, run_simulation

__all__ = [
    "ConversationRecord",
    "JobKey",
    "ResultFiles",
    "SimPlan",
    "SimSummary",
    "check_plan",
    "run_simulation",
]
