"""A few long-lived Ray actors fed with a bounded number of calls; results as they finish.

The bound is the run's concurrency cap, shared by every worker: only this driver submits,
so at most `in_flight` calls (each an LLM call chain, for the LLM paths) run at once in
the whole cluster, whatever the number of workers. A killed worker is restarted and its
calls retried by Ray; what still fails comes back as the exception, to be rerun.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import ray
from ray.actor import ActorClass, ActorHandle
from ray.exceptions import RayError, RayTaskError

B = TypeVar("B")

# A worker killed mid-call (OOM killer, a lost node) is restarted and the call retried;
# bounded, so a batch that crashes its worker every time ends as an error, not a loop.
RESTARTS = 4
RETRIES = 2


def start_actors(cls: ActorClass, count: int, per_actor: int, *args: Any) -> list[ActorHandle]:
    """`count` actors of `cls`, each taking up to `per_actor` calls at once (threads)."""
    return [
        cls.options(
            max_concurrency=per_actor, max_restarts=RESTARTS, max_task_retries=RETRIES
        ).remote(*args)
        for _ in range(count)
    ]


def stop_actors(actors: list[ActorHandle]) -> None:
    for actor in actors:
        ray.kill(actor)


def run_on(
    actors: list[ActorHandle], method: str, batches: Iterable[B], in_flight: int
) -> Iterator[tuple[B, Any | BaseException]]:
    """Yield (batch, its result or the exception it raised) as each finishes.

    Input is read lazily; each call goes to the actor with the fewest calls pending.
    """
    pending: dict[ray.ObjectRef, tuple[B, int]] = {}
    load = [0] * len(actors)
    for batch in batches:
        while len(pending) >= in_flight:
            yield _next_done(pending, load)
        i = min(range(len(actors)), key=load.__getitem__)
        pending[getattr(actors[i], method).remote(batch)] = (batch, i)
        load[i] += 1
    while pending:
        yield _next_done(pending, load)


def _next_done(
    pending: dict[ray.ObjectRef, tuple[B, int]], load: list[int]
) -> tuple[B, Any | BaseException]:
    (ref,), _ = ray.wait(list(pending), num_returns=1)
    batch, i = pending.pop(ref)
    load[i] -= 1
    try:
        return batch, ray.get(ref)
    except RayTaskError as exc:  # the call raised: hand back what it raised
        return batch, exc.cause if isinstance(exc.cause, BaseException) else exc
    except RayError as exc:  # the worker died and stayed dead after the retries
        return batch, exc


def chunks(items: Iterable[B], size: int) -> Iterator[list[B]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def is_lost_worker(exc: BaseException) -> bool:
    """True for Ray's own failures (a dead worker or node), not the call's exception."""
    return isinstance(exc, RayError)
