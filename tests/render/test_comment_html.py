"""The PR comment as GitHub renders it (GFM to HTML): small enough to read, inert, tables intact."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from reviewer.diff import parse_diff
from reviewer.intent import parse_intent
from reviewer.render.markdown import READ_CHARS, render, utf16_len
from reviewer.review import review

from .test_markdown import assert_inert

ROOT = Path(__file__).resolve().parents[2]


def _screenshots() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "comment_screenshots", ROOT / "scripts" / "comment_screenshots.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["honest", "incident", "release"])
def test_the_comment_fits_and_renders_inert(name: str) -> None:
    cases = {c[0]: c for c in _screenshots().cases()}
    _, _, diff, intent = cases[name]
    r = review(parse_diff(diff), parse_intent(intent, source="pr"))
    md = render(r)
    body = md.split("<!-- intent-reviewer:fingerprint")[0]
    assert utf16_len(body) <= READ_CHARS  # two screens, also for an 84-file release
    html = assert_inert(md)  # no raw HTML from the input, 4 cells in every row
    assert len(r.questions) <= 7
    if name == "release":
        assert len(r.files) == 84
        assert "#### Areas" in md
        # the real headline first: the badge, then what is unstated, by name
        first = md.splitlines()[2]
        assert first.startswith("**Unstated:**") and "aws_db_instance.main" in first
    # nothing the renderer adds widens the page: every code span stays short
    for span in re.findall(r"<code>(.*?)</code>", html, re.S):
        assert len(span) <= 240, span[:80]


def test_the_bundled_incident_stays_short() -> None:
    diff = parse_diff((ROOT / "examples" / "cost-explorer-fix.diff").read_text("utf-8"))
    intent = parse_intent((ROOT / "examples" / "cost-explorer-fix.txt").read_text("utf-8"))
    md = render(review(diff, intent))
    assert len(md.encode("utf-8")) <= 8_000
