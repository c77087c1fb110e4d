"""Speech through OpenAI's audio API (used when a key is set): transcription with word
timings, and text-to-speech told how the customer feels.

Failures go through the same translation table as the chat models, so a rejected key or
a rate limit reads the same everywhere.
"""

from __future__ import annotations

import io

import openai

from hotseat.errors import ConfigError
from hotseat.llm.failures import translated
from hotseat.redact import mask_url
from hotseat.settings import Settings
from hotseat.speech.speak import SpokenLine, VoiceStyle
from hotseat.speech.transcribe import (
    FILLER_PROMPT,
    LANGUAGE,
    Audio,
    Transcript,
    Word,
    read_audio,
)

# whisper-1 is the transcription model that returns word timings (delivery needs them).
TRANSCRIBE_MODEL = "whisper-1"
TTS_MODEL = "gpt-4o-mini-tts"  # follows `instructions` (the mood)
TTS_VOICE = "coral"


def _client(settings: Settings) -> tuple[openai.OpenAI, str]:
    if not settings.api_key:
        raise ConfigError(
            "Voice through OpenAI needs an API key, and none is set.",
            hint="Set OPENAI_API_KEY, or HOTSEAT_SPEECH=local for the offline voice.",
        )
    client = openai.OpenAI(
        api_key=settings.api_key.get_secret_value(),
        base_url=settings.base_url,
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
    )
    return client, mask_url(settings.base_url) if settings.base_url else "api.openai.com"


class OpenAITranscriber:
    name = f"OpenAI {TRANSCRIBE_MODEL}"

    def __init__(self, settings: Settings) -> None:
        self._client, self._where = _client(settings)
        self._retries = settings.max_retries

    def transcribe(self, audio: Audio) -> Transcript:
        read_audio(audio)  # a clear error for a file that is not audio, before any upload
        data = audio.read_bytes() if not isinstance(audio, bytes) else audio
        name = audio.name if not isinstance(audio, bytes) else "reply.wav"
        with translated(self._where, self._retries):
            result = self._client.audio.transcriptions.create(
                file=(name, io.BytesIO(data)),
                model=TRANSCRIBE_MODEL,
                language=LANGUAGE,
                prompt=FILLER_PROMPT,  # keep "um" and "uh", as offline
                response_format="verbose_json",
                timestamp_granularities=["word"],
            )
        words = [Word(text=w.word, start=w.start, end=w.end) for w in result.words or []]
        return Transcript(
            text=result.text.strip(), duration=float(result.duration), words=words, engine=self.name
        )


class OpenAISpeaker:
    name = f"OpenAI {TTS_MODEL}"

    def __init__(self, settings: Settings) -> None:
        self._client, self._where = _client(settings)
        self._retries = settings.max_retries

    def speak(self, text: str, style: VoiceStyle) -> SpokenLine:
        with translated(self._where, self._retries):
            response = self._client.audio.speech.create(
                model=TTS_MODEL,
                voice=TTS_VOICE,
                input=text,
                instructions=style.instruction,
                response_format="wav",
            )
            return SpokenLine(audio=response.read(), mime="audio/wav")
