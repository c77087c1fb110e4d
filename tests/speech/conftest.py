"""Speech fixtures: offline settings (the model cache ./run fills) and eSpeak NG clips."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotseat.settings import Settings, load_settings
from hotseat.speech.espeak import synthesize
from hotseat.speech.transcribe import LocalTranscriber

DATA = Path(__file__).parent / "data"


def replies() -> list[str]:
    """20 agent replies; their audio is made with eSpeak NG when a test runs."""
    return DATA.joinpath("replies.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def offline_settings() -> Settings:
    # No key, no provider: speech resolves to the offline pair; the default model cache.
    return load_settings(overrides={"n_threads": 2}, environ={})


@pytest.fixture(scope="session")
def local_transcriber(offline_settings: Settings) -> LocalTranscriber:
    return LocalTranscriber(offline_settings)


@pytest.fixture
def spoken_wav(tmp_path: Path) -> Path:
    path = tmp_path / "reply.wav"
    path.write_bytes(synthesize("I will refund the second charge right now."))
    return path


def with_silence(first: str, seconds: float, second: str) -> bytes:
    """Two spoken sentences with `seconds` of silence between them, as one WAV."""
    import io
    import wave

    frames, rate = [], 22050
    for text in (first, second):
        with wave.open(io.BytesIO(synthesize(text))) as w:
            rate = w.getframerate()
            frames.append(w.readframes(w.getnframes()))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames[0] + b"\0\0" * int(rate * seconds) + frames[1])
    return out.getvalue()
