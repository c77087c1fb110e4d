"""A spoken reply end to end: Chromium's fake microphone plays an eSpeak NG recording into
`st.audio_input`, the app transcribes it offline, the trainee sends it, it is graded, the
customer answers aloud, and the debrief shows the delivery beside the grade."""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotseat.speech.espeak import synthesize
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, streamlit_app
from tests.e2e.test_browser import CHIP, WAIT_MS, settled, start

pytestmark = pytest.mark.browser

SPOKEN = "I will refund the second charge today, and email you the confirmation by five."
LEAD_S, TAIL_S = 0.5, 4.0  # silence around the sentence: recording starts a moment late


def _padded_wav(path: Path) -> float:
    """The sentence with silence around it, as a WAV file; returns its spoken length."""
    with wave.open(io.BytesIO(synthesize(SPOKEN))) as src:
        rate, frames = src.getframerate(), src.readframes(src.getnframes())
    pad = b"\0\0" * int(rate * LEAD_S)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pad + frames + b"\0\0" * int(rate * TAIL_S))
    return len(frames) / 2 / rate


@pytest.fixture(scope="module")
def microphone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    wav = tmp_path_factory.mktemp("mic") / "reply.wav"
    return wav, _padded_wav(wav)


@pytest.fixture(scope="module")
def voice_browser(microphone: tuple[Path, float]) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    wav, _ = microphone
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
        "--autoplay-policy=no-user-gesture-required",
    ]
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        yield b
        b.close()


def test_a_spoken_reply_is_transcribed_sent_graded_and_answered_aloud(
    voice_browser, microphone: tuple[Path, float], tmp_path: Path
) -> None:
    _, seconds = microphone
    with streamlit_app(tmp_path) as (url, _server):
        context = voice_browser.new_context(
            permissions=["microphone"], viewport={"width": 1100, "height": 760}
        )
        page = context.new_page()
        try:
            start(page, url, "Vera")
            settled(page, 1)
            page.get_by_text("Practise by voice").click()
            record = page.get_by_role("button", name="Record")
            record.wait_for(timeout=WAIT_MS)
            record.click()
            page.get_by_role("button", name="Stop recording").wait_for(timeout=WAIT_MS)
            page.wait_for_timeout(int((LEAD_S + seconds + 1.0) * 1000))
            page.get_by_role("button", name="Stop recording").click()

            edit = page.get_by_label(re.compile("What you said"))
            edit.wait_for(timeout=WAIT_MS)
            heard = edit.input_value()
            assert "refund" in heard.lower() and "charge" in heard.lower(), heard
            edit.scroll_into_view_if_needed()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "voice.png"))  # the README's docs/voice.png
            edit.fill(heard + " I am sorry this happened.")  # the quick edit before sending
            edit.press("Control+Enter")  # commit the edit as a trainee tabbing away would
            page.get_by_role("button", name="Send spoken reply").click()

            page.get_by_text(CHIP).first.wait_for(timeout=WAIT_MS)
            settled(page, 3)
            sent = page.locator("[data-testid=stChatMessage]").nth(1).inner_text()
            assert "I am sorry this happened." in sent  # the edited text is what was sent
            # The customer's answer is spoken: an audio player with the line's WAV.
            page.locator("[data-testid=stAudio]").first.wait_for(timeout=WAIT_MS)

            # The switch is the trainee's: a fresh load of the page keeps voice on.
            page.reload()
            settled(page, 3)
            page.get_by_role("button", name="Record").wait_for(timeout=WAIT_MS)

            session = re.search(r"session=([^&]+)", page.url).group(1)
            page.goto(f"{url}/Debrief?session={session}&trainee=Vera")
            page.get_by_text("Delivery of your spoken replies").wait_for(timeout=WAIT_MS)
            page.get_by_text("words a minute").first.wait_for(timeout=WAIT_MS)
        except Exception:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "voice-failure.png"), full_page=True)
            raise
        finally:
            context.close()
