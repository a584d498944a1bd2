"""Workflow commands and $GITHUB_OUTPUT: escaping per the runner's rules, injection-proof outputs."""

from __future__ import annotations

import io
from pathlib import Path

from reviewer.github import workflow

from .conftest import parse_outputs


def test_message_escaping_covers_percent_and_line_breaks() -> None:
    assert workflow.escape_data("100%\r\nnext") == "100%25%0D%0Anext"


def test_property_escaping_also_covers_colon_and_comma() -> None:
    assert workflow.escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_annotation_line_cannot_be_split_or_extended() -> None:
    out = io.StringIO()
    workflow.annotate(
        out, "warning", "bad\n::error::injected", file="dir/a,b:c.tf", line=3, title="RV1"
    )
    text = out.getvalue()
    assert text.count("\n") == 1
    assert text == "::warning file=dir/a%2Cb%3Ac.tf,line=3,title=RV1::bad%0A::error::injected\n"


def test_outputs_use_a_random_delimiter_that_values_cannot_forge(tmp_path: Path) -> None:
    path = tmp_path / "out"
    evil = "x\nEOF\nverdict<<EOF\naligned\nEOF"
    workflow.write_outputs(path, {"report-json": evil, "verdict": "mismatch"})
    workflow.write_outputs(path, {"sarif": "/tmp/r.sarif"})
    parsed = parse_outputs(path.read_text())
    assert parsed == {"report-json": evil, "verdict": "mismatch", "sarif": "/tmp/r.sarif"}
    delimiters = [
        line.split("<<", 1)[1]
        for line in path.read_text().splitlines()
        if "<<ghadelimiter_" in line
    ]
    assert len(set(delimiters)) == 3
