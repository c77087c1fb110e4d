"""eSpeak NG through ctypes, on the library the `espeakng-loader` wheel bundles.

No system package and no subprocess: the wheel carries `libespeak-ng.so` and its data.
The library keeps global state (one voice, one callback), so every synthesis holds one
process-wide lock. Output is 16-bit mono PCM at the library's sample rate, as WAV bytes.
"""

from __future__ import annotations

import ctypes
import io
import threading
import wave
from dataclasses import dataclass

from hotseat.errors import SpeechError

# espeak_AUDIO_OUTPUT, espeak_PARAMETER and flag values from speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_RATE, _VOLUME, _PITCH, _RANGE, _WORDGAP = 1, 2, 3, 4, 7
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EE_OK = 0
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


@dataclass(frozen=True)
class EspeakParams:
    """What the library is told for one line: words per minute, pitch and pitch range
    (0-100, 50 is the voice's normal), and extra silence between words (units of 10 ms)."""

    rate: int = 175
    pitch: int = 50
    pitch_range: int = 50
    word_gap: int = 0
    voice: str = "en-us"


class _Library:
    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise SpeechError(
                "eSpeak NG is not installed (package espeakng-loader).",
                hint="Run ./run app (or pip install -e .) to install Hotseat's dependencies.",
            ) from exc
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.lib.espeak_Initialize.argtypes = [
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        data = espeakng_loader.get_data_path().encode()
        self.sample_rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, 0)
        if self.sample_rate <= 0:
            raise SpeechError("eSpeak NG could not start (its data folder is unreadable).")
        self._chunks: list[bytes] = []
        # Kept on the instance: ctypes must not free the callback while the library holds it.
        self._callback = _CALLBACK(self._collect)
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: ctypes.POINTER(ctypes.c_short), count: int, _events: int) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0 = go on

    def synth(self, text: str, params: EspeakParams) -> bytes:
        self._chunks = []
        if self.lib.espeak_SetVoiceByName(params.voice.encode()) != _EE_OK:
            raise SpeechError(f"eSpeak NG has no voice {params.voice!r}.")
        for parameter, value in (
            (_RATE, params.rate),
            (_PITCH, params.pitch),
            (_RANGE, params.pitch_range),
            (_WORDGAP, params.word_gap),
        ):
            self.lib.espeak_SetParameter(parameter, value, 0)
        raw = text.encode("utf-8") + b"\0"
        status = self.lib.espeak_Synth(raw, len(raw), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        if status != _EE_OK:
            raise SpeechError(f"eSpeak NG failed to speak the line (error {status}).")
        return b"".join(self._chunks)


_lock = threading.Lock()
_library: _Library | None = None


def synthesize(text: str, params: EspeakParams = EspeakParams()) -> bytes:
    """Speak `text` into WAV bytes (mono, 16-bit)."""
    global _library
    with _lock:
        if _library is None:
            _library = _Library()
        pcm = _library.synth(text, params)
        rate = _library.sample_rate
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return out.getvalue()
