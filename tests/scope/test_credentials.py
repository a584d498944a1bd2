"""Credentials committed in code are a finding wherever they are; documentation's examples are not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.diff import parse_diff
from reviewer.intent import parse_intent
from reviewer.review import review
from reviewer.secrets import ANY, PRIVATE_KEY, SHAPED
from tests.helpers import scope_both

AWS = "AKIA" + "Z7QW3RTY8UIO2PLK"  # split so that scanners of this repository do not flag it
GH = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def test_a_key_in_python_settings_is_found_in_both_modes() -> None:
    old = "DEBUG = False\n"
    new = f'DEBUG = False\nAWS_ACCESS_KEY_ID = "{AWS}"\nGITHUB = "{GH}"\n'
    full, hunks = scope_both("deploy/settings.py", old, new)
    for fs in (full, hunks):
        codes = [(s.code, s.line, s.severity) for s in fs.signals if s.code == "secret.committed"]
        assert codes == [("secret.committed", 2, "high"), ("secret.committed", 3, "high")]


def test_documentation_examples_and_removed_lines_are_not_findings() -> None:
    example = "AKIAIOSFODNN7EXAMPLE"
    full, _ = scope_both("docs/setup.md", "Use your key.\n", f"Use your key, e.g. `{example}`.\n")
    assert not [s for s in full.signals if s.code == "secret.committed"]
    removed, _ = scope_both("app.py", f'KEY = "{AWS}"\n', 'KEY = os.environ["KEY"]\n')
    assert not [s for s in removed.signals if s.code == "secret.committed"]


def test_a_committed_key_is_a_mismatch_under_an_unrelated_intent() -> None:
    text = f'diff --git a/app/settings.py b/app/settings.py\n--- a/app/settings.py\n+++ b/app/settings.py\n@@ -1 +1,2 @@\n DEBUG = False\n+TOKEN = "{GH}"\n'
    r = review(parse_diff(text), parse_intent("Turn off debug output in the app settings"))
    assert r.verdict == "mismatch"
    assert any(f.kind == "permission_widening" and f.path == "app/settings.py" for f in r.findings)


@pytest.mark.parametrize("name", [n for n, _rx in SHAPED] + ["private-key"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_prefilter_lets_every_credential_shape_through(name: str, data: st.DataObject) -> None:
    """ANY decides whether the exact shapes run at all: it must match wherever one of them does."""
    rx = PRIVATE_KEY if name == "private-key" else dict(SHAPED)[name]
    text = data.draw(st.from_regex(rx.pattern))
    assert rx.search(text) is not None
    assert ANY.search(text) is not None
