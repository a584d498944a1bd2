"""The chat client: a protocol the pipeline talks to, and its one real implementation over ``openai``.

    TransientError   429, 5xx, 408/409, timeouts, connection failures: worth retrying (send.py)
    PermanentError   anything else the endpoint says (401, 404, 400, a body that is not a completion)

``openai`` is imported here only, and only when a real client is made.
"""

from __future__ import annotations

import email.utils
import ipaddress
import os
import time
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

from ..config import LLMSettings
from ..errors import LLMError
from ..record import record
from .catalog import reasoning_model


@record
class ChatRequest:
    model: str
    messages: tuple[tuple[str, str], ...]
    schema: Mapping[str, Any]
    max_output_tokens: int
    temperature: float | None

    def body(self, *, max_tokens_field: str = "max_completion_tokens") -> dict[str, Any]:
        """The JSON body of ``POST /chat/completions`` (the cache key and the tests use it too)."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": role, "content": content} for role, content in self.messages],
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": "review_answer",
                    "strict": True,
                    "schema": dict(self.schema),
                },
            },
            max_tokens_field: self.max_output_tokens,
        }
        if self.temperature is not None:
            body["temperature"] = self.temperature
        return body


@record
class ChatResponse:
    content: str | None
    refusal: str | None
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None


class TransientError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(Exception):
    pass


class ChatClient(Protocol):
    """Sends one request and returns the first choice, or raises TransientError/PermanentError."""

    def complete(self, request: ChatRequest, *, timeout: float) -> ChatResponse: ...


# --- endpoint -------------------------------------------------------------------------------------


@record
class Endpoint:
    base_url: str | None  # None: api.openai.com
    api_key: str
    local: bool

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or "?" if self.base_url else "api.openai.com"


def resolve_endpoint(settings: LLMSettings, env: Mapping[str, str] | None = None) -> Endpoint | str:
    """The endpoint to call, or why there is none (the review then stays offline)."""
    env = os.environ if env is None else env
    base_url = settings.base_url or env.get("OPENAI_BASE_URL") or None
    key = env.get("OPENAI_API_KEY") or None
    local = False
    if base_url is not None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise LLMError(f"the LLM base URL {base_url!r} is not an http(s) URL")
        local = _loopback(parts.hostname)
        if key and parts.scheme == "http" and not local:
            raise LLMError(
                f"refusing to send OPENAI_API_KEY over plain http to {parts.hostname}; use https"
            )
    if key is None:
        if not local:
            where = (
                f" and {base_url} is not a local server"
                if base_url
                else " and no local OPENAI_BASE_URL"
            )
            return f"no OPENAI_API_KEY is set{where}"
        key = "not-needed"  # Ollama, vLLM, llama.cpp and LM Studio accept any key
    return Endpoint(base_url=base_url, api_key=key, local=local)


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def max_tokens_field(endpoint: Endpoint) -> str:
    """OpenAI and Azure take ``max_completion_tokens``; local servers know the older ``max_tokens``."""
    host = endpoint.host
    if endpoint.base_url is None or host.endswith(("openai.com", "openai.azure.com", "azure.com")):
        return "max_completion_tokens"
    return "max_tokens"


def temperature_for(model: str, settings: LLMSettings) -> float | None:
    return None if reasoning_model(model) else settings.temperature


# --- the openai implementation ---------------------------------------------------------------------


class OpenAIClient:
    """``openai.OpenAI`` with its own retries off: send.py retries with the policy's deadline."""

    def __init__(self, endpoint: Endpoint, *, http_client: Any = None) -> None:
        try:
            import openai
        except ImportError as exc:  # pragma: no cover - the llm extra is missing
            raise LLMError("--llm needs the LLM extra: pip install 'intent-reviewer[llm]'") from exc
        self._openai = openai
        self._field = max_tokens_field(endpoint)
        self._sdk = openai.OpenAI(
            api_key=endpoint.api_key,
            base_url=endpoint.base_url,
            max_retries=0,
            http_client=http_client,
        )

    def complete(self, request: ChatRequest, *, timeout: float) -> ChatResponse:
        openai = self._openai
        body = request.body(max_tokens_field=self._field)
        try:
            completion = self._sdk.chat.completions.create(**body, timeout=timeout)
        except openai.APITimeoutError as exc:
            raise TransientError(f"no answer within {timeout:.0f}s") from exc
        except openai.APIConnectionError as exc:
            raise TransientError(f"cannot connect ({_short(exc.__cause__ or exc)})") from exc
        except openai.APIStatusError as exc:
            status = exc.status_code
            detail = _short(_message(exc.body) or exc.message)
            if status in (408, 409, 429) or status >= 500:
                raise TransientError(
                    f"HTTP {status}: {detail}", retry_after=retry_after(exc.response.headers)
                ) from exc
            raise PermanentError(f"HTTP {status}: {detail}") from exc
        except openai.OpenAIError as exc:
            raise PermanentError(f"unusable response ({_short(exc)})") from exc
        return _response(completion)


def _response(completion: Any) -> ChatResponse:
    choices = getattr(completion, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise PermanentError(
            "the response has no choices (is the base URL an OpenAI-compatible API?)"
        )
    choice = choices[0]
    message = getattr(choice, "message", None)
    usage = getattr(completion, "usage", None)
    content = getattr(message, "content", None)
    refusal = getattr(message, "refusal", None)
    return ChatResponse(
        content=content if isinstance(content, str) else None,
        refusal=refusal if isinstance(refusal, str) and refusal else None,
        finish_reason=getattr(choice, "finish_reason", None),
        prompt_tokens=_int(getattr(usage, "prompt_tokens", None)),
        completion_tokens=_int(getattr(usage, "completion_tokens", None)),
    )


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date)."""
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _message(body: object) -> str | None:
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])
    return None


def _short(value: object) -> str:
    text = " ".join(str(value).split())
    return text[:160]


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
