"""Diff excerpts: blocks cut by risk, licence headers and shared indentation not paid for."""

from __future__ import annotations

from reviewer.diff import parse_diff
from reviewer.llm.excerpts import (
    DELETION_PREVIEW,
    TIER_CODE,
    TIER_COSMETIC,
    TIER_DESTRUCTIVE,
    TIER_RISKY,
    blocks_for,
)
from reviewer.llm.redact import Redactor
from reviewer.models import FileDiff

LICENCE = [
    "# Copyright 2020 Example LLC",
    "#",
    '# Licensed under the Apache License, Version 2.0 (the "License");',
    "# you may not use this file except in compliance with the License.",
    "# You may obtain a copy of the License at",
    "#",
    "#     http://www.apache.org/licenses/LICENSE-2.0",
    "#",
]


def _file(path: str, sign: str, lines: list[str], status: str = "deleted") -> FileDiff:
    start = "-1,{n} +0,0" if sign == "-" else "-0,0 +1,{n}"
    header = (
        f"deleted file mode 100644\n--- a/{path}\n+++ /dev/null\n"
        if sign == "-"
        else f"new file mode 100644\n--- /dev/null\n+++ b/{path}\n"
    )
    body = "".join(f"{sign}{line}\n" for line in lines)
    text = f"diff --git a/{path} b/{path}\n{header}@@ {start.format(n=len(lines))} @@\n{body}"
    return parse_diff(text).files[0]


def _blocks(fd: FileDiff, tier: int = TIER_RISKY) -> list[str]:
    out = blocks_for(fd, file_order=0, tier=tier, signal_lines=frozenset(), redactor=Redactor())
    return [b.text for b in out]


def test_a_deleted_files_preview_is_its_code_not_its_licence_header() -> None:
    code = [f"resource_{i} = {i}" for i in range(20)]
    fd = _file("infra/old.tf", "-", LICENCE + code)
    (preview,) = _blocks(fd)
    lines = preview.split("\n")
    assert lines[0] == "@@ -1 @@"  # no empty "+0" side
    assert lines[1] == f"-[licence header, {len(LICENCE)} lines]"
    # the header counts as one line of the preview, whatever its length
    assert lines[2:] == [f"-{c}" for c in code[: DELETION_PREVIEW - 1]]


def test_an_added_files_licence_header_takes_one_line_of_its_first_block() -> None:
    code = [f"step_{i}()" for i in range(30)]
    first, *rest = _blocks(_file("ci/run.sh", "+", LICENCE + code, status="added"))
    assert first.split("\n")[:3] == [
        "@@ +1 @@",
        f"+[licence header, {len(LICENCE)} lines]",
        "+step_0()",
    ]
    assert first.endswith("+step_8()") and rest[0].startswith("@@ +18 @@\n+step_9()")


def test_shared_indentation_is_dropped_and_relative_indentation_kept() -> None:
    text = (
        "diff --git a/k.yaml b/k.yaml\n--- a/k.yaml\n+++ b/k.yaml\n"
        "@@ -10,2 +10,4 @@ spec:\n"
        "-        image: app:1\n"
        "+        image: app:2\n"
        "+        env:\n"
        "+          - name: DEBUG\n"
    )
    (block,) = _blocks(parse_diff(text).files[0])
    assert block == "@@ -10 +10 @@ spec:\n-image: app:1\n+image: app:2\n+env:\n+  - name: DEBUG"


def test_what_is_worth_reading_depends_on_the_tier() -> None:
    fd = _file("a.py", "+", [f"x_{i} = {i}" for i in range(25)], status="added")

    def flags(tier: int) -> list[tuple[bool, bool]]:
        out = blocks_for(fd, file_order=0, tier=tier, signal_lines=frozenset(), redactor=Redactor())
        return [(b.must_read, b.worth_reading) for b in out]

    assert (
        flags(TIER_DESTRUCTIVE) == flags(TIER_RISKY) == [(True, True), (False, True), (False, True)]
    )
    assert flags(TIER_CODE) == flags(TIER_COSMETIC) == [(False, False)] * 3
