"""The `--ray [ADDRESS]` option of `hotseat grade` and `hotseat simulate` (no Ray import)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass

ENV = "HOTSEAT_RAY_ADDRESS"


@dataclass(frozen=True)
class RayTarget:
    """Where a batch runs on Ray: a cluster's address, or None to start a local one."""

    address: str | None


def add_ray_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ray",
        nargs="?",
        const="",
        default=None,
        metavar="ADDRESS",
        help="run on Ray: join the cluster at ADDRESS (HOST:PORT of its head, or 'auto' "
        "for the one running on this machine), or start a local one when no address is "
        f"given. {ENV}=ADDRESS does the same without the flag. Output and resuming are "
        "those of a local run. Needs: pip install 'hotseat[ray]'",
    )


def ray_target(flag: str | None, environ: Mapping[str, str] = os.environ) -> RayTarget | None:
    """None for the local path: neither --ray nor HOTSEAT_RAY_ADDRESS was given."""
    from_env = environ.get(ENV, "").strip()
    if flag is None and not from_env:
        return None
    return RayTarget((flag or "").strip() or from_env or None)
