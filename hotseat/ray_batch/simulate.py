"""`hotseat simulate --ray`: conversations played by Ray workers, written by the driver.

Each worker holds one Player (its engines and bots, built once per thread) and a
connection to the run's store. Conversations wait on the LLM, so each call is one
conversation and at most --concurrency are in flight across the cluster.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator

import ray

from hotseat.ray_batch.cluster import joined
from hotseat.ray_batch.option import RayTarget
from hotseat.ray_batch.pool import run_on, start_actors, stop_actors
from hotseat.simulate import ConversationRecord, Execute, JobKey, Player, SimWork
from hotseat.simulate.runner import Outcome
from hotseat.store import Store


@ray.remote(num_cpus=1)
class SimWorker:
    def __init__(self, work: SimWork) -> None:
        self._work = work
        self._player: Player | None = None
        self._lock = threading.Lock()

    def play(self, keys: list[JobKey]) -> list[ConversationRecord]:
        with self._lock:
            if self._player is None:
                # The run's SQLite file when this worker shares the driver's disk (WAL
                # lets processes share it); a remote worker keeps its sessions in a copy
                # at the same path on its own disk. conversations.jsonl is the result.
                self._player = Player(self._work, Store(self._work.db_url))
        return [self._player.play(key) for key in keys]


def play_on_ray(target: RayTarget) -> Execute:
    """An executor for hotseat.simulate.run_simulation that plays on `target`."""

    def execute(work: SimWork, todo: list[JobKey]) -> Iterator[Outcome]:
        if not todo:
            return
        Store(work.db_url).close()  # created and migrated once, before workers share it
        concurrency = work.plan.concurrency
        with joined(target) as cpus:
            workers = min(cpus, concurrency)
            actors = start_actors(SimWorker, workers, math.ceil(concurrency / workers), work)
            try:
                for (key,), outcome in run_on(actors, "play", ([k] for k in todo), concurrency):
                    yield key, outcome[0] if isinstance(outcome, list) else outcome
            finally:
                stop_actors(actors)

    return execute
