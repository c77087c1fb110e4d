"""`hotseat transcribe AUDIO [--json]`, offline, through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotseat.cli import main
from tests.speech.conftest import with_silence


def test_prints_the_transcript(spoken_wav: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transcribe", str(spoken_wav)]) == 0
    out, err = capsys.readouterr()
    assert out.strip().rstrip(".").lower() == "i will refund the second charge right now"
    assert "whisper-base (offline)" in err  # says what it is doing while it works


def test_json_has_text_duration_pace_and_pauses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wav = tmp_path / "call.wav"
    wav.write_bytes(with_silence("Let me check that.", 4.0, "Your refund is on its way."))
    assert main(["transcribe", str(wav), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert {"text", "duration", "words_per_minute", "pauses"} <= set(record)
    assert "refund" in record["text"].lower()
    assert record["duration"] > 4 and record["words_per_minute"] > 0
    assert [p["long"] for p in record["pauses"]] == [True], record["pauses"]
    assert record["pauses"][0]["after"].lower() == "that"


def test_a_missing_or_broken_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["transcribe", str(tmp_path / "nope.wav")]) == 1
    assert "No audio file at" in capsys.readouterr().err
    broken = tmp_path / "notes.wav"
    broken.write_text("not audio")
    assert main(["transcribe", str(broken), "--json"]) == 1
    err = capsys.readouterr().err
    assert "Could not read notes.wav as audio" in err and "Traceback" not in err


def test_doctor_says_which_voice_is_in_use(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOTSEAT_PROVIDER", "compatible")  # no chat weights needed
    monkeypatch.setenv("HOTSEAT_BASE_URL", "http://127.0.0.1:9/v1")
    assert main(["doctor", "--no-generate"]) == 0
    assert "voice           whisper-base (offline); eSpeak NG (offline)" in capsys.readouterr().out
