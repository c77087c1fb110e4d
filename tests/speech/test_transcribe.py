"""Offline transcription on the assembled whisper-base weights, with eSpeak NG audio."""

from __future__ import annotations

import pytest

from hotseat.errors import SpeechError
from hotseat.speech.delivery import count_fillers
from hotseat.speech.espeak import synthesize
from hotseat.speech.transcribe import LocalTranscriber
from tests.speech.conftest import replies
from tests.speech.wer import word_error_rate

# The goal is 15 %; measured 5.3-8.3 % here (20 eSpeak NG sentences, beam 5, int8).
WER_FLOOR = 0.15


def test_twenty_spoken_replies_come_back_within_the_word_error_goal(
    local_transcriber: LocalTranscriber,
) -> None:
    pairs = []
    for line in replies():
        transcript = local_transcriber.transcribe(synthesize(line))
        pairs.append((line, transcript.text))
        assert transcript.duration > 1.0 and transcript.words  # timed words for delivery
        assert all(w.end >= w.start for w in transcript.words)
    wer = word_error_rate(pairs)
    print(f"\nword error rate over {len(pairs)} eSpeak NG replies: {wer:.1%}")
    assert wer <= WER_FLOOR, pairs


def test_a_known_clip_reads_back_word_for_word(local_transcriber: LocalTranscriber) -> None:
    transcript = local_transcriber.transcribe(synthesize("Thank you for your patience."))
    assert transcript.text.strip(" .").lower() == "thank you for your patience"
    assert transcript.engine == "whisper-base (offline)"


def test_hesitations_are_written_down_so_delivery_can_count_them(
    local_transcriber: LocalTranscriber,
) -> None:
    text = local_transcriber.transcribe(
        synthesize("Um, I understand, uh, that you were charged twice.")
    ).text
    assert count_fillers(text) == {"um": 1, "uh": 1}, text


def test_audio_that_is_not_audio_is_a_clear_error(local_transcriber: LocalTranscriber) -> None:
    with pytest.raises(SpeechError, match="Could not read the recording as audio"):
        local_transcriber.transcribe(b"this is a text file, not a recording")


def test_an_empty_recording_is_a_clear_error(local_transcriber: LocalTranscriber) -> None:
    silence = synthesize("")  # a valid WAV with no samples
    with pytest.raises(SpeechError, match="empty or too short"):
        local_transcriber.transcribe(silence)
