"""How far two versions differ: major, minor, or the same."""

from __future__ import annotations

import pytest

from reviewer.scope.lex.versions import compare_versions


@pytest.mark.parametrize(
    ("old", "new", "kwargs", "expected"),
    [
        ("^1.2.3", "^2.0.0", {}, "major"),
        ("~1.2.3", "~1.3.0", {}, "minor"),
        (">=1.4,<2.0", ">=2.0,<3.0", {}, "major"),
        ("==0.103.2", "==0.109.0", {}, "major"),
        ("v0.17.0", "v0.22.0", {"zero": False}, "minor"),
        ("1.21", "1.22", {"significant": 2}, "major"),
        ("3.18", "3.19", {}, "minor"),
        ("1.21-alpine", "1.21-bookworm", {"variants": True}, "major"),
        ("bookworm", "trixie", {"variants": True}, "major"),
        ("1.2.3", "1.2.3", {}, None),
        ("latest", "1.2", {}, "major"),
    ],
)
def test_compare_versions(
    old: str, new: str, kwargs: dict[str, object], expected: str | None
) -> None:
    assert compare_versions(old, new, **kwargs) == expected  # type: ignore[arg-type]
