"""The actor pool under Ray's own failures: bounded retries, then the error, never a loop."""

from __future__ import annotations

import os

from hotseat.ray_batch.cluster import joined
from hotseat.ray_batch.option import RayTarget
from hotseat.ray_batch.pool import is_lost_worker, run_on, start_actors, stop_actors
from tests.ray_batch.conftest import RayCluster


# Plain classes made actors inside the test: Ray reads its auth settings from the
# environment once, so nothing may touch Ray before the fixture has set them.
class Doomed:
    """Its process dies on every call (as one the OOM killer takes each time would)."""

    def go(self, batch: list[int]) -> list[int]:
        os._exit(1)


class Echo:
    def go(self, batch: list[int]) -> list[int]:
        return [n * 10 for n in batch]


def test_a_worker_that_keeps_dying_ends_as_an_error_for_its_batches(
    on_cluster: RayCluster,
) -> None:
    import ray

    with joined(RayTarget(on_cluster.address)):
        doomed = start_actors(ray.remote(num_cpus=1)(Doomed), 1, 1)
        echo = start_actors(ray.remote(num_cpus=1)(Echo), 1, 1)
        try:
            lost = list(run_on(doomed, "go", [[1], [2]], in_flight=1))
            fine = sorted(run_on(echo, "go", [[1, 2], [3]], in_flight=2))
        finally:
            stop_actors(doomed + echo)
    assert [batch for batch, _ in lost] == [[1], [2]]  # each batch comes back, once
    assert all(is_lost_worker(exc) for _, exc in lost), lost
    assert fine == [([1, 2], [10, 20]), ([3], [30])]
