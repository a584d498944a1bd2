"""A scripted server speaking the OpenAI chat completions API, for the HTTP tests and cassettes.

It listens on 127.0.0.1 only, on a free port, answers ``POST /v1/chat/completions`` with the
replies it was given (in order, the last one repeating), records what it received, and shuts itself
down after ``lifetime`` seconds even if a test forgets to.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CREATED = 1767225600  # fixed, so recorded bodies do not change between recordings


@dataclass
class Reply:
    status: int = 200
    body: bytes | dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (timeouts)


ReplyFor = Callable[[dict[str, Any]], Reply]


def completion(
    content: str | None,
    *,
    finish: str = "stop",
    refusal: str | None = None,
    model: str = "gpt-4o-mini",
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish,
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 812, "completion_tokens": 96, "total_tokens": 908},
    }


def good_answer(request: dict[str, Any]) -> dict[str, Any]:
    """A valid answer about the request it gets: judges drift findings, asks about the first finding."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    handles = re.findall(r"\bdrift (F\d+)\b", user)
    first = re.search(r"\b(F\d+)\b", user)
    return {
        "implied": [f"{h}: The intent's component covers it." for h in handles],
        "findings": [
            {
                "title": "The retry loop has no upper bound",
                "severity": "medium",
                "path": None,
                "line": None,
                "confidence": 0.55,
            }
        ],
        "questions": [
            f"{first.group(1) if first else 'N1'}: What happens to in-flight requests when this ships?"
        ],
        "summary": "The change does what the intent says. Its main risk is the unexplained deletion.",
    }


def ok(request: dict[str, Any]) -> Reply:
    return Reply(body=completion(json.dumps(good_answer(request))))


class StubServer:
    def __init__(self, replies: Sequence[Reply | ReplyFor], *, lifetime: float = 60.0) -> None:
        self._replies = list(replies)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.received: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {}
                reply = stub._next(
                    body, {"path": self.path, "headers": dict(self.headers), "raw": raw}
                )
                if reply.delay and stub._stop.wait(reply.delay):
                    return
                payload = (
                    reply.body
                    if isinstance(reply.body, bytes)
                    else json.dumps(reply.body or {}).encode()
                )
                try:
                    self.send_response(reply.status)
                    ctype = "application/json" if not isinstance(reply.body, bytes) else "text/html"
                    self.send_header("content-type", reply.headers.get("content-type", ctype))
                    for k, v in reply.headers.items():
                        if k.lower() != "content-type":
                            self.send_header(k, v)
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._timer = threading.Timer(lifetime, self.close)
        self._timer.daemon = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def _next(self, body: dict[str, Any], meta: dict[str, Any]) -> Reply:
        with self._lock:
            self.received.append({**meta, "body": body})
            item = self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]
        return item(body) if callable(item) else item

    def __enter__(self) -> StubServer:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._timer.cancel()
        self._stop.set()
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
