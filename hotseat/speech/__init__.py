"""Voice: the trainee speaks (speech to text) and hears the customer (text to speech).

The one seam: `transcriber(settings)` and `speaker(settings)`. Offline by default
(whisper-base through faster-whisper, eSpeak NG); OpenAI's audio API when
`settings.resolved_speech` says so (a key for OpenAI, or HOTSEAT_SPEECH=openai). Callers
never branch on which.
"""

from __future__ import annotations

from hotseat.settings import Settings
from hotseat.speech.speak import EspeakSpeaker, Speaker
from hotseat.speech.transcribe import LocalTranscriber, Transcriber


def transcriber(settings: Settings) -> Transcriber:
    if settings.resolved_speech == "openai":
        from hotseat.speech.openai_audio import OpenAITranscriber

        return OpenAITranscriber(settings)
    return LocalTranscriber(settings)


def speaker(settings: Settings) -> Speaker:
    if settings.resolved_speech == "openai":
        from hotseat.speech.openai_audio import OpenAISpeaker

        return OpenAISpeaker(settings)
    return EspeakSpeaker()


__all__ = ["speaker", "transcriber"]
