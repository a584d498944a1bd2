"""LLM enrichment: the only importer of openai and tiktoken (both loaded only when used).

enrich.py    the entry point: plan, call (cached, in parallel), merge; degrade or fail
plan.py      the review + diff -> requests within the token budget, or none (skip_reason)
index.py     the terse scope index: every file, symbol and finding;  excerpts.py  hunks by risk
redact.py    secrets out before anything is counted, cached or sent
prompt.py    the versioned templates in prompts/ (shipped as reviewer.prompts)
client.py    the ChatClient protocol and the openai implementation; send.py retries it
answer.py    the strict answer schema, validated on receipt
merge.py     the pure, monotone merge: the model can add, never lower
cache.py     the on-disk answer cache;  tokens.py  offline tiktoken encodings;  bench.py  token report
"""

from __future__ import annotations

from .enrich import enrich

__all__ = ["enrich"]
