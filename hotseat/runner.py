"""Bounded concurrency for batch work, shared by `hotseat grade` and `hotseat simulate`.

At most `concurrency` calls run at once and input is read lazily, so a huge input file
streams. Results come back either in input order (grading writes rows in order) or as
each finishes (simulate appends conversations as they end).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

from hotseat.errors import InputError

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(
    fn: Callable[[T], R],
    items: Iterable[T],
    concurrency: int,
    *,
    ordered: bool,
    name: str = "batch",
) -> Iterator[tuple[T, R | BaseException]]:
    """Yield (item, result or the exception it raised) for every item."""
    if concurrency < 1:
        raise InputError(f"Concurrency must be at least 1 (got {concurrency}).")
    pending = iter(items)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix=name) as pool:
        if ordered:
            yield from _in_order(pool, fn, pending, concurrency)
        else:
            yield from _as_finished(pool, fn, pending, concurrency)


def _outcome(future: Future[R]) -> R | BaseException:
    exc = future.exception()
    return exc if exc is not None else future.result()


def _in_order(
    pool: ThreadPoolExecutor, fn: Callable[[T], R], pending: Iterator[T], concurrency: int
) -> Iterator[tuple[T, R | BaseException]]:
    # A window of 2 x concurrency keeps workers busy while the head of the line finishes.
    window: deque[tuple[T, Future[R]]] = deque()
    try:
        for item in pending:
            window.append((item, pool.submit(fn, item)))
            if len(window) >= 2 * concurrency:
                head, future = window.popleft()
                yield head, _outcome(future)
        while window:
            head, future = window.popleft()
            yield head, _outcome(future)
    finally:
        for _, future in window:
            future.cancel()


def _as_finished(
    pool: ThreadPoolExecutor, fn: Callable[[T], R], pending: Iterator[T], concurrency: int
) -> Iterator[tuple[T, R | BaseException]]:
    running: dict[Future[R], T] = {}
    try:
        for item in itertools.islice(pending, concurrency):
            running[pool.submit(fn, item)] = item
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                item = running.pop(future)
                yield item, _outcome(future)
                nxt = next(pending, None)
                if nxt is not None:
                    running[pool.submit(fn, nxt)] = nxt
    finally:
        for future in running:
            future.cancel()
