"""`hotseat transcribe AUDIO [--json]`: a recorded reply or call as text.

Plain: the transcript on stdout. `--json`: one object with `text`, `duration` (seconds),
`words_per_minute` and `pauses` (silences of a second or more: `after` the word, `start`,
`seconds`, `long`), plus `fillers` and `engine`. Offline (whisper-base) unless
speech goes through OpenAI (see hotseat.speech); a file that is not audio is an error
naming it, exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hotseat.settings import load_settings
from hotseat.speech import transcriber
from hotseat.speech.delivery import assess


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "transcribe",
        help="transcribe a recorded reply (offline by default)",
        description="Transcribe AUDIO (WAV, MP3, M4A, OGG, WebM). With --json, print one "
        "JSON object: text, duration, words_per_minute, pauses, fillers, engine. Feed "
        "the text to `hotseat grade` as a reply.",
    )
    parser.add_argument("audio", type=Path, metavar="AUDIO", help="audio file")
    parser.add_argument("--json", action="store_true", help="print JSON with delivery figures")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    engine = transcriber(load_settings())
    print(f"hotseat transcribe: {args.audio} with {engine.name}…", file=sys.stderr)
    transcript = engine.transcribe(args.audio)
    if not args.json:
        print(transcript.text)
        return 0
    delivery = assess(transcript)
    record = {
        "file": str(args.audio),
        "text": transcript.text,
        "duration": delivery.duration,
        "words_per_minute": delivery.words_per_minute,
        "pauses": [p.model_dump() for p in delivery.pauses],
        "fillers": delivery.fillers,
        "engine": transcript.engine,
    }
    print(json.dumps(record, ensure_ascii=False))
    return 0
