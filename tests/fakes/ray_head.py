"""A two-CPU Ray head for the tests, in a process of its own.

Run as `python -m tests.fakes.ray_head TEMP_DIR`: prints the cluster's address on one
line, then keeps the cluster up until its standard input closes, and stops it (only the
cluster it started). Token authentication is on when RAY_AUTH_MODE=token is set.
"""

from __future__ import annotations

import logging
import sys

import ray


def main() -> None:
    context = ray.init(
        num_cpus=2,
        include_dashboard=False,
        _temp_dir=sys.argv[1],  # short: Ray's unix sockets live under it
        logging_level=logging.ERROR,
    )
    print(context.address_info["gcs_address"], flush=True)
    sys.stdin.read()
    ray.shutdown()


if __name__ == "__main__":
    main()
