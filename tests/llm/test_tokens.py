"""Offline encodings: the packaged files build exactly tiktoken's own encodings, with no network."""

from __future__ import annotations

import gzip
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from reviewer.llm import tokens
from reviewer.llm.tokens import (
    DATA_FILES,
    DATA_PACKAGE,
    SPECS,
    EstimateCounter,
    counter_for,
    read_ranks,
)

SAMPLES = (
    "def total(items):\n    return round(sum(i.price for i in items), 2)\n",
    'resource "aws_db_instance" "main" {\n  deletion_protection = true\n}\n',
    "Ünïcödé — 日本語のテキスト, emoji 🤖 and   spaces\t\ttabs\r\n",
    "",
)


def _packaged(name: str) -> bytes:
    dist = metadata.distribution(DATA_PACKAGE)
    return gzip.decompress(Path(str(dist.locate_file(DATA_FILES[name]))).read_bytes())


@pytest.mark.parametrize("name", sorted(SPECS))
def test_packaged_files_build_tiktokens_own_encoding(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tiktoken
    import tiktoken_ext.openai_public as public

    asked: list[str] = []

    def offline(blobpath: str, expected_hash: str | None = None) -> dict[bytes, int]:
        asked.append(str(expected_hash))
        return read_ranks(_packaged(name), str(expected_hash))  # checks the hash tiktoken pins

    monkeypatch.setattr(public, "load_tiktoken_bpe", offline)
    official: dict[str, Any] = public.ENCODING_CONSTRUCTORS[name]()
    assert asked == [SPECS[name].sha256]
    assert official["pat_str"] == SPECS[name].pat_str
    assert official["special_tokens"] == dict(SPECS[name].special_tokens)
    reference = tiktoken.Encoding(**official)
    ours = tokens.load_encoding(name)
    assert ours is not None
    for text in SAMPLES:
        assert ours.encode_ordinary(text) == reference.encode_ordinary(text)


def test_models_get_their_encoding_and_unknown_models_a_default() -> None:
    assert counter_for("gpt-4o-mini").name == "o200k_base" and not counter_for("gpt-4o-mini").caveat
    assert counter_for("gpt-4").name == "cl100k_base"
    unknown = counter_for("qwen2.5-coder:7b")
    assert unknown.name == "o200k_base" and "unknown model" in unknown.caveat and unknown.exact
    assert counter_for("gpt-4o").count("hello world") == 2


def test_a_tampered_file_is_refused() -> None:
    with pytest.raises(ValueError, match="hash"):
        read_ranks(b"aGVsbG8= 0\n", SPECS["o200k_base"].sha256)


def test_without_the_files_counts_are_conservative_estimates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tokens, "_LOADED", {})
    monkeypatch.setattr(tokens, "DATA_PACKAGE", "no-such-package-here")
    counter = counter_for("gpt-4o-mini")
    assert (
        isinstance(counter, EstimateCounter) and not counter.exact and "estimates" in counter.caveat
    )
    text = SAMPLES[0] * 20
    exact = tokens.TiktokenCounter(_reference())
    assert counter.count(text) >= exact.count(text)
    assert len(counter.truncate(text, 10).encode()) <= 30


def _reference() -> Any:
    import tiktoken

    spec = SPECS["o200k_base"]
    return tiktoken.Encoding(
        name="o200k_base",
        pat_str=spec.pat_str,
        mergeable_ranks=read_ranks(_packaged("o200k_base"), spec.sha256),
        special_tokens=dict(spec.special_tokens),
    )
