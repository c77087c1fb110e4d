"""With a key, speech goes through OpenAI's audio API: the real SDK against the loopback
fake server (multipart upload, verbose JSON with word timings, WAV back)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotseat.engine.mood import Mood
from hotseat.errors import AuthenticationFailed, ConfigError, SpeechError
from hotseat.settings import Settings, load_settings
from hotseat.speech import speaker, transcriber
from hotseat.speech.delivery import assess
from hotseat.speech.openai_audio import OpenAISpeaker, OpenAITranscriber
from hotseat.speech.speak import EspeakSpeaker, voice_style
from hotseat.speech.transcribe import LocalTranscriber
from tests.fakes.openai_server import DEFAULT_TRANSCRIPTION, FakeOpenAIServer


@pytest.fixture
def audio_settings(fake_openai: FakeOpenAIServer) -> Settings:
    return load_settings(
        overrides={
            "speech": "openai",
            "base_url": fake_openai.base_url,
            "api_key": "test-key",
            "max_retries": 0,
        },
        environ={},
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "local"),  # no key: offline
        ({"OPENAI_API_KEY": "sk-x"}, "openai"),  # OpenAI chat with a key: OpenAI audio
        ({"OPENAI_API_KEY": "sk-x", "HOTSEAT_PROVIDER": "local"}, "local"),
        ({"HOTSEAT_API_KEY": "k", "HOTSEAT_BASE_URL": "http://127.0.0.1:1/v1"}, "local"),
        ({"OPENAI_API_KEY": "sk-x", "HOTSEAT_SPEECH": "local"}, "local"),
        ({"HOTSEAT_SPEECH": "openai", "OPENAI_API_KEY": "sk-x"}, "openai"),
    ],
)
def test_speech_is_offline_unless_the_chat_goes_to_openai_or_it_is_asked_for(
    env: dict[str, str], expected: str
) -> None:
    assert load_settings(environ=env).resolved_speech == expected


def test_the_seam_picks_the_offline_pair_without_a_key() -> None:
    settings = load_settings(environ={})
    assert isinstance(transcriber(settings), LocalTranscriber)
    assert isinstance(speaker(settings), EspeakSpeaker)


def test_openai_speech_without_a_key_says_which_setting_to_change() -> None:
    with pytest.raises(ConfigError, match="HOTSEAT_SPEECH=local"):
        transcriber(load_settings(environ={"HOTSEAT_SPEECH": "openai"}))


def test_openai_transcription_uploads_the_audio_and_keeps_word_timings(
    audio_settings: Settings, fake_openai: FakeOpenAIServer, spoken_wav: Path
) -> None:
    engine = transcriber(audio_settings)
    assert isinstance(engine, OpenAITranscriber)
    transcript = engine.transcribe(spoken_wav)
    assert transcript.text == DEFAULT_TRANSCRIPTION["text"]
    assert transcript.duration == 2.5 and [w.text for w in transcript.words][:2] == ["I", "will"]
    sent = fake_openai.requests[-1]
    assert fake_openai.request_paths[-1].endswith("/audio/transcriptions")
    assert sent["model"] == "whisper-1" and sent["response_format"] == "verbose_json"
    assert sent["timestamp_granularities[]"] == "word"
    assert "um" in sent["prompt"].lower()  # fillers are kept, so delivery can count them
    assert sent["file"] == {"name": "reply.wav", "bytes": spoken_wav.stat().st_size}
    assert fake_openai.request_headers[-1]["authorization"] == "Bearer test-key"
    assert assess(transcript).words == 5  # delivery works on OpenAI's timings too


def test_not_audio_is_refused_before_anything_is_uploaded(
    audio_settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    with pytest.raises(SpeechError, match="Could not read"):
        transcriber(audio_settings).transcribe(b"not audio at all")
    assert fake_openai.requests == []


def test_openai_speech_is_told_the_mood_and_returns_wav(
    audio_settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    engine = speaker(audio_settings)
    assert isinstance(engine, OpenAISpeaker)
    line = engine.speak("Where is my money?", voice_style(Mood(anger=9, fear=1, trust=1)))
    assert line.audio.startswith(b"RIFF") and line.mime == "audio/wav"
    sent = fake_openai.requests[-1]
    assert sent["input"] == "Where is my money?" and sent["response_format"] == "wav"
    assert "furious" in sent["instructions"]


def test_a_rejected_key_reads_like_any_provider_error(
    audio_settings: Settings, fake_openai: FakeOpenAIServer, spoken_wav: Path
) -> None:
    fake_openai.fault("401")
    with pytest.raises(AuthenticationFailed, match="rejected the API key"):
        transcriber(audio_settings).transcribe(spoken_wav)
