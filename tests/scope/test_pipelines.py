from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import check_golden

GOLDEN = Path(__file__).parent / "golden" / "pipelines"


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir()), ids=str)
def test_golden(case: str, update_goldens: bool) -> None:
    check_golden(GOLDEN / case, update_goldens)
