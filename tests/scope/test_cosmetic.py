"""What a hunk-by-hunk comparison says a code change is limited to: whitespace, comments
(docstrings too) or strings; the worst hunk decides, and any real code change means None."""

from __future__ import annotations

import pytest

from tests.helpers import scope_both

BASE = '''"""Module."""


def greet(name):
    """Say hello."""
    # a friendly greeting
    message = "hello " + name
    return message


def farewell(name):
    return "bye " + name
'''


@pytest.mark.parametrize(
    ("new", "level"),
    [
        (BASE.replace("message = ", "message  =  "), "whitespace"),
        (BASE.replace("# a friendly greeting", "# a warm greeting"), "comments"),
        (BASE.replace('"""Say hello."""', '"""Say hello to someone."""'), "comments"),
        (BASE.replace('"hello "', '"hi "'), "strings"),
        # two hunks: whitespace in one, a comment in the other -> the worse, comments
        (
            BASE.replace("# a friendly greeting", "# a warm greeting").replace(
                'return "bye " + name', 'return "bye "  +  name'
            ),
            "comments",
        ),
        # a comment and a string in two hunks -> strings
        (
            BASE.replace("# a friendly greeting", "# a warm greeting").replace('"bye "', '"ciao "'),
            "strings",
        ),
        # a comment changed next to a code change -> not cosmetic
        (BASE.replace("# a friendly greeting\n    message =", "# note\n    msg ="), None),
        (BASE.replace('return "bye " + name', "return name"), None),
    ],
)
def test_cosmetic_level_in_both_modes(new: str, level: str | None) -> None:
    full, hunks = scope_both("app/greet.py", BASE, new, context=1)
    assert full.cosmetic == level
    assert hunks.cosmetic == level
