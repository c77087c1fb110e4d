"""A fake OpenAI-compatible chat server on loopback, for tests and benchmarks.

It speaks the real wire protocol (JSON and SSE streaming) so the real openai SDK and
LangChain's ChatOpenAI are exercised end to end; nothing in the SDK is patched.
Replies come from a script the test sets; faults are injected on demand.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import uuid
import wave
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.schema import reply_mismatch, schema_problem

Reply = str | dict | list
# What /audio/transcriptions answers unless a test scripts a reply (verbose_json, words).
DEFAULT_TRANSCRIPTION: dict[str, Any] = {
    "task": "transcribe",
    "language": "english",
    "duration": 2.5,
    "text": "I will fix this today.",
    "words": [
        {"word": w, "start": 0.2 + 0.4 * i, "end": 0.5 + 0.4 * i}
        for i, w in enumerate(["I", "will", "fix", "this", "today."])
    ],
}
FAULT_KINDS = ("429", "500", "401", "404", "latency", "cut", "malformed", "hang")


@dataclass
class Fault:
    kind: str
    retry_after: float = 1.0
    seconds: float = 0.0


@dataclass
class _State:
    script: deque[Reply] = field(default_factory=deque)
    faults: deque[Fault] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    schema_mismatches: list[str] = field(default_factory=list)
    # Bumped by reset(): a request still sleeping in a fault from an earlier test must not
    # wake up and take a reply scripted for the next one.
    generation: int = 0
    responder: Callable[[dict[str, Any]], Reply] | None = None
    latency_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class FakeOpenAIServer:
    """Start with `start()` (or as a context manager); point clients at `base_url`."""

    default_reply = "I am still waiting for someone to fix this."

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._state = _State()
        self.allow_schema_mismatch = False
        handler = type("Handler", (_Handler,), {"state": self._state, "server_ref": self})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._state.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    # -- scripting -------------------------------------------------------------------
    def script(self, *replies: Reply) -> None:
        with self._state.lock:
            self._state.script.extend(replies)

    def fault(
        self, kind: str, times: int = 1, *, retry_after: float = 1.0, seconds: float = 0.0
    ) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; use one of {FAULT_KINDS}")
        with self._state.lock:
            self._state.faults.extend(Fault(kind, retry_after, seconds) for _ in range(times))

    def reset(self) -> None:
        with self._state.lock:
            self._state.script.clear()
            self._state.faults.clear()
            self._state.requests.clear()
            self._state.headers.clear()
            self._state.paths.clear()
            self._state.schema_mismatches.clear()
            self._state.generation += 1
            self.allow_schema_mismatch = False
            self._state.responder = None
            self._state.latency_s = 0.0

    @property
    def responder(self) -> Callable[[dict[str, Any]], Reply] | None:
        return self._state.responder

    @responder.setter
    def responder(self, fn: Callable[[dict[str, Any]], Reply] | None) -> None:
        self._state.responder = fn

    @property
    def latency_s(self) -> float:
        return self._state.latency_s

    @latency_s.setter
    def latency_s(self, value: float) -> None:
        self._state.latency_s = value

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self._state.requests

    @property
    def request_headers(self) -> list[dict[str, str]]:
        return self._state.headers

    @property
    def request_paths(self) -> list[str]:
        return self._state.paths

    @property
    def schema_mismatches(self) -> list[str]:
        """Scripted JSON replies that break the request's strict schema. OpenAI's strict
        mode never returns such a reply, so the fixture fails a test that scripts one
        unless it sets `allow_schema_mismatch` (to mimic a server that ignores schemas)."""
        return self._state.schema_mismatches


class _Handler(BaseHTTPRequestHandler):
    state: _State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        else:
            self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.split("?", 1)[0].rstrip("/").endswith(("/audio/transcriptions", "/speech")):
            self._audio(raw)
            return
        # Azure puts the deployment in the path and the API version in the query.
        if not self.path.split("?", 1)[0].rstrip("/").endswith("/chat/completions"):
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._json(400, {"error": {"message": "body is not JSON", "type": "invalid_request"}})
            return
        with self.state.lock:
            generation = self.state.generation
            self.state.requests.append(body)
            self.state.headers.append({k.lower(): v for k, v in self.headers.items()})
            self.state.paths.append(self.path)
            fault = self.state.faults.popleft() if self.state.faults else None
        if self.state.latency_s:
            self._sleep(self.state.latency_s)
        if fault and self._apply_fault(fault, body):
            return
        if generation != self.state.generation:  # its test is over; its client is gone
            self.close_connection = True
            return
        problem = schema_problem(body)
        if problem is not None:  # what OpenAI answers for a schema strict mode can't take
            self._json(
                400,
                {
                    "error": {
                        "message": problem,
                        "type": "invalid_request_error",
                        "param": "response_format",
                        "code": "invalid_json_schema",
                    }
                },
            )
            return
        reply = self._next_reply(body)
        mismatch = reply_mismatch(body, reply)
        if mismatch is not None:
            with self.state.lock:
                self.state.schema_mismatches.append(mismatch)
        if body.get("stream"):
            self._stream(body, reply, cut=fault is not None and fault.kind == "cut")
        else:
            self._json(200, _completion(body, reply))

    def _audio(self, raw: bytes) -> None:
        """OpenAI's audio API: transcription (multipart form in, verbose JSON out) and
        speech (JSON in, WAV out). Requests are recorded like chat requests; faults apply."""
        speech = self.path.split("?", 1)[0].rstrip("/").endswith("/speech")
        body = json.loads(raw or b"{}") if speech else _form_fields(raw)
        with self.state.lock:
            self.state.requests.append(body)
            self.state.headers.append({k.lower(): v for k, v in self.headers.items()})
            self.state.paths.append(self.path)
            fault = self.state.faults.popleft() if self.state.faults else None
            scripted = self.state.script.popleft() if self.state.script and not speech else None
        if fault and self._apply_fault(fault, body):
            return
        if speech:
            self._raw(200, _silent_wav(), "audio/wav")
        else:
            self._json(200, scripted if isinstance(scripted, dict) else DEFAULT_TRANSCRIPTION)

    # -- faults ----------------------------------------------------------------------
    def _apply_fault(self, fault: Fault, body: dict[str, Any]) -> bool:
        """Return True when the fault produced the whole response."""
        if fault.kind == "429":
            self._json(
                429,
                {
                    "error": {
                        "message": "Rate limit reached",
                        "type": "requests",
                        "code": "rate_limit_exceeded",
                    }
                },
                headers={"Retry-After": f"{fault.retry_after:g}"},
            )
            return True
        if fault.kind == "500":
            self._json(
                500, {"error": {"message": "The server had an error", "type": "server_error"}}
            )
            return True
        if fault.kind == "401":
            self._json(
                401,
                {
                    "error": {
                        "message": "Incorrect API key provided",
                        "type": "invalid_request_error",
                        "code": "invalid_api_key",
                    }
                },
            )
            return True
        if fault.kind == "404":
            self._json(
                404,
                {
                    "error": {
                        "message": f"The model {body.get('model')} does not exist",
                        "type": "invalid_request_error",
                        "code": "model_not_found",
                    }
                },
            )
            return True
        if fault.kind == "malformed":
            self._raw(
                200, b'{"id": "chatcmpl-broken", "choices": [ {"message": ', "application/json"
            )
            return True
        if fault.kind in ("latency", "hang"):
            self._sleep(fault.seconds)
            return self.state.stopping.is_set()
        if fault.kind == "cut" and not body.get("stream"):
            # Promise more bytes than we send, then drop the connection.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "4096")
            self.end_headers()
            self.wfile.write(b'{"id": "chatcmpl-cut", "choices": [')
            self.wfile.flush()
            self.close_connection = True
            return True
        return False

    def _sleep(self, seconds: float) -> None:
        self.state.stopping.wait(seconds)

    # -- replies ---------------------------------------------------------------------
    def _next_reply(self, body: dict[str, Any]) -> Reply:
        with self.state.lock:
            if self.state.script:
                return self.state.script.popleft()
        if self.state.responder is not None:
            return self.state.responder(body)
        return FakeOpenAIServer.default_reply

    def _stream(self, body: dict[str, Any], reply: Reply, cut: bool) -> None:
        text = _as_text(reply)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        base = _envelope(body, "chat.completion.chunk")
        pieces = _split(text)
        if cut:
            pieces = pieces[: max(1, len(pieces) // 2)]
        try:
            first = {
                **base,
                "choices": [
                    {
                        "index": 0,
                        "delta": {"role": "assistant", "content": ""},
                        "finish_reason": None,
                    }
                ],
            }
            self._event(first)
            for piece in pieces:
                self._event(
                    {
                        **base,
                        "choices": [
                            {"index": 0, "delta": {"content": piece}, "finish_reason": None}
                        ],
                    }
                )
            if cut:
                self.wfile.write(b'data: {"id": "chatcmpl-cut", "choi')
                self.wfile.flush()
                return
            self._event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            if (body.get("stream_options") or {}).get("include_usage"):
                self._event({**base, "choices": [], "usage": _usage(body, text)})
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def _event(self, payload: dict[str, Any]) -> None:
        self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
        self.wfile.flush()

    def _json(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self._raw(status, json.dumps(payload).encode(), "application/json", headers)

    def _raw(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def _form_fields(raw: bytes) -> dict[str, Any]:
    """The text fields of a multipart form, and the uploaded file's name and size."""
    fields: dict[str, Any] = {}
    for part in raw.split(b"\r\n--"):
        head, _, value = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head)
        if not name:
            continue
        key = name.group(1).decode()
        filename = re.search(rb'filename="([^"]*)"', head)
        if filename:
            fields["file"] = {"name": filename.group(1).decode(), "bytes": len(value)}
        else:
            fields.setdefault(key, []).append(value.decode(errors="replace").strip())
    return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in fields.items()}


def _silent_wav(seconds: float = 0.2, rate: int = 16_000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(rate * seconds))
    return out.getvalue()


def _as_text(reply: Reply) -> str:
    return reply if isinstance(reply, str) else json.dumps(reply)


def _split(text: str) -> list[str]:
    """Stream word by word, keeping the spaces, so chunks rejoin to the exact text."""
    if not text:
        return [""]
    words = text.split(" ")
    return [w if i == len(words) - 1 else w + " " for i, w in enumerate(words)]


def _envelope(body: dict[str, Any], obj: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": obj,
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
    }


def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    completion = len(text.split())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    text = _as_text(reply)
    message: dict[str, Any] = {"role": "assistant", "content": text}
    tools = body.get("tools") or []
    if tools and not isinstance(reply, str):
        # Function-calling structured output: answer with a call to the first tool.
        name = tools[0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{uuid.uuid4().hex[:8]}",
                    "type": "function",
                    "function": {"name": name, "arguments": text},
                }
            ],
        }
    finish = "tool_calls" if message.get("tool_calls") else "stop"
    return {
        **_envelope(body, "chat.completion"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": _usage(body, text),
    }
