"""Joining (or starting) the Ray cluster of one batch run, with clear errors."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from hotseat.errors import ClusterError
from hotseat.ray_batch.option import ENV, RayTarget

REACH_TIMEOUT_S = 5.0  # Ray itself retries an unreachable head for minutes before failing
INSTALL = "pip install 'hotseat[ray]'"


def import_ray() -> ModuleType:
    try:
        import ray
    except ImportError:
        raise ClusterError(
            "--ray needs Ray, which is not installed.",
            hint=f"Install it with: {INSTALL} (or run without --ray and without {ENV}).",
        ) from None
    return ray


def describe(target: RayTarget) -> str:
    return "a local Ray cluster" if target.address is None else f"Ray at {target.address}"


@contextmanager
def joined(target: RayTarget) -> Iterator[int]:
    """Connect for the length of the block; yields the cluster's CPU count.

    A process already connected (a script that called ray.init itself) stays connected
    and its cluster is used as it is.
    """
    ray = import_ray()
    if ray.is_initialized():
        yield _cpus(ray, target)
        return
    if target.address not in (None, "auto"):
        _check_reachable(target.address)
    try:
        if target.address is None:
            # "local": a new cluster for this run even when RAY_ADDRESS names another.
            ray.init(address="local", include_dashboard=False, **_QUIET)
        else:
            ray.init(address=target.address, **_QUIET)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ClusterError(
            f"Could not {'start' if target.address is None else 'join'} {describe(target)} "
            f"({_first_line(exc)}).",
            hint=_JOIN_HINT,
        ) from None
    try:
        yield _cpus(ray, target)
    finally:
        ray.shutdown()  # leaves a joined cluster running; stops one started here


# Workers' own output stays in Ray's log folder; results and errors come back as values.
_QUIET = {"logging_level": logging.ERROR, "log_to_driver": False}
_JOIN_HINT = (
    "Give the head's HOST:PORT (what `ray start --head` printed), 'auto' on a machine of "
    "the cluster, or no address to start a local cluster. A cluster with token "
    "authentication also needs RAY_AUTH_MODE=token and its token (RAY_AUTH_TOKEN)."
)


def _cpus(ray: ModuleType, target: RayTarget) -> int:
    cpus = int(ray.cluster_resources().get("CPU", 0))
    if cpus < 1:
        raise ClusterError(
            f"{describe(target)} has no CPU to run on.", hint="Add a worker node to the cluster."
        )
    return cpus


def _check_reachable(address: str) -> None:
    """Fail in seconds, with the address, when nothing listens there."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ClusterError(
            f"--ray {address!r} is not a cluster address.",
            hint="Use HOST:PORT (e.g. --ray 10.0.0.5:6379), 'auto', or --ray alone for a "
            "local cluster.",
        )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=REACH_TIMEOUT_S).close()
    except OSError as exc:
        raise ClusterError(
            f"Cannot reach the Ray cluster at {address} ({exc.strerror or exc}).",
            hint=_JOIN_HINT,
        ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
