"""Every golden case of every analyzer: old/new sources -> expected symbols and kinds, both modes.

A case is a directory ``golden/<analyzer>/<case>/`` (see ``tests/helpers.check_golden``); add one
and it runs here. ``python -m pytest --update-goldens`` rewrites them (then read the diff).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import check_golden

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.glob("*/*") if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden(case: Path, update_goldens: bool) -> None:
    check_golden(case, update_goldens)
