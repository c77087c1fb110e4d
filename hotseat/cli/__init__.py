"""`hotseat` command line: each subcommand lives in its own module with `register()`."""

from __future__ import annotations

import argparse
import importlib
import sys

from hotseat import __version__
from hotseat.errors import HotseatError

SUBCOMMANDS = (
    "doctor",
    "chat",
    "personas",
    "grade",
    "calibrate",
    "simulate",
    "report",
    "users",
    "transcribe",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hotseat", description="Empathy trainer for customer care."
    )
    parser.add_argument("--version", action="version", version=f"hotseat {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"hotseat.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except HotseatError as exc:
        print(f"hotseat: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("hotseat: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
