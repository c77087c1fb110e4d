"""`hotseat personas list|validate`: what cards exist, and which ones are broken where."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hotseat.errors import InputError
from hotseat.paths import PERSONAS_ENV, personas_dir
from hotseat.personas import CardProblem, load_catalog, validate_path
from hotseat.personas.catalog import OVERLAY_DIR, card_files, overlay_files


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("personas", help="list or validate persona cards")
    parser.add_argument(
        "--personas-dir",
        type=Path,
        default=None,
        help=f"folder of persona cards (default: ${PERSONAS_ENV}, else the "
        "checkout's or the installed personas/)",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="one line per persona: ID<TAB>archetype<TAB>name")
    listing.add_argument("--json", action="store_true", help="a JSON list instead")
    listing.set_defaults(func=run_list)
    validate = actions.add_parser(
        "validate", help="check cards and overlays; print file:line: field: message"
    )
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="card or overlay files or folders (default: all of them)",
    )
    validate.set_defaults(func=run_validate)


def _folder(args: argparse.Namespace) -> Path:
    return args.personas_dir or personas_dir()  # read when run, so the environment counts


def run_list(args: argparse.Namespace) -> int:
    folder = _folder(args)
    catalog = load_catalog(folder)
    cards = sorted(catalog.cards.values(), key=lambda c: c.id)
    for problem in catalog.problems:  # broken cards are skipped, but never silently
        print(f"hotseat: skipped {problem}", file=sys.stderr)
    if not cards:  # an empty list would look like success to a script
        what = "no valid persona cards" if catalog.problems else "no persona cards (*.yaml)"
        raise InputError(
            f"Found {what} in {folder}" + ("" if folder.is_dir() else " (no such folder)") + ".",
            hint=f"Pass --personas-dir or set {PERSONAS_ENV} to a folder of cards, or "
            "reinstall Hotseat (its wheel ships the cards).",
        )
    if args.json:
        rows = [
            {"id": c.id, "archetype": c.archetype, "name": c.name, "summary": c.summary}
            for c in cards
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for c in cards:
            print(f"{c.id}\t{c.archetype}\t{c.name}")
    return 0


def _expand(paths: list[Path], personas_dir: Path) -> list[Path]:
    if not paths:
        paths = [personas_dir]
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += (
                card_files(path)
                if path.name == OVERLAY_DIR
                else (card_files(path) + overlay_files(path))
            )
        else:
            files.append(path)
    return files


def run_validate(args: argparse.Namespace) -> int:
    problems: list[CardProblem] = []
    files = _expand(list(args.paths), _folder(args))
    for path in files:
        if not path.is_file():
            problems.append(CardProblem(str(path), 1, "(file)", "no such file"))
            continue
        problems += validate_path(path)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{len(files)} file(s) valid", file=sys.stderr)
    return 1 if problems else 0
