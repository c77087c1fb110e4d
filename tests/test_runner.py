"""The bounded runner shared by grade and simulate."""

from __future__ import annotations

import threading
import time

import pytest

from hotseat.errors import InputError
from hotseat.runner import run_bounded


def _tracked(delays: dict[int, float]):  # type: ignore[no-untyped-def]
    inside, most = 0, 0
    lock = threading.Lock()

    def work(i: int) -> int:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(delays.get(i, 0.01))
        with lock:
            inside -= 1
        if i == 3:
            raise ValueError("row 3 is broken")
        return i * 10

    return work, lambda: most


@pytest.mark.parametrize("ordered", [True, False])
def test_never_more_than_concurrency_and_every_item_once(ordered: bool) -> None:
    work, peak = _tracked({})
    out = list(run_bounded(work, range(12), 3, ordered=ordered))
    assert sorted(i for i, _ in out) == list(range(12))
    assert peak() <= 3
    assert isinstance(dict(out)[3], ValueError) and dict(out)[5] == 50


def test_ordered_keeps_input_order_even_when_later_items_finish_first() -> None:
    work, _ = _tracked({0: 0.2})
    assert [i for i, _ in run_bounded(work, range(6), 3, ordered=True)] == list(range(6))


def test_as_finished_yields_the_quick_ones_first() -> None:
    work, _ = _tracked({0: 0.3})
    order = [i for i, _ in run_bounded(work, range(4), 2, ordered=False)]
    assert order[-1] == 0


def test_reads_input_lazily() -> None:
    consumed = []

    def items():  # type: ignore[no-untyped-def]
        for i in range(1000):
            consumed.append(i)
            yield i

    stream = run_bounded(lambda i: i, items(), 2, ordered=True)
    next(stream)
    assert len(consumed) < 10


def test_bad_concurrency_is_refused() -> None:
    with pytest.raises(InputError, match="at least 1"):
        list(run_bounded(lambda i: i, [1], 0, ordered=False))
