"""Lazily compiled patterns behave like compiled ones and compile only when used."""

from __future__ import annotations

import re

import pytest

from reviewer.rx import lazy


def test_a_lazy_pattern_compiles_on_first_use_and_then_behaves_like_re() -> None:
    pat = lazy(r"(?P<key>[a-z]+)=(\d+)", re.I)
    assert "search" not in vars(pat)  # nothing compiled yet
    m = pat.search("x KEY=42")
    assert m is not None and m.group("key") == "KEY" and m.group(2) == "42"
    assert "search" in vars(pat)  # methods are now bound on the stand-in
    real = re.compile(r"(?P<key>[a-z]+)=(\d+)", re.I)
    text = "a=1 b=2 c"
    assert pat.findall(text) == real.findall(text)
    assert pat.sub(r"\2", text) == real.sub(r"\2", text)
    assert [m.span() for m in pat.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert pat.split(text) == real.split(text)
    assert (pat.pattern, pat.flags, pat.groups, dict(pat.groupindex)) == (
        real.pattern,
        real.flags,
        real.groups,
        dict(real.groupindex),
    )


def test_a_bad_lazy_pattern_fails_when_used() -> None:
    pat = lazy(r"(unclosed")
    with pytest.raises(re.error):
        pat.search("x")


def test_every_lazy_pattern_of_the_package_compiles() -> None:
    """A typo in a rarely used pattern must fail here, not in a user's review."""
    import importlib
    import pkgutil

    import reviewer
    from reviewer.rx import _Lazy

    checked = 0
    for info in pkgutil.walk_packages(reviewer.__path__, "reviewer."):
        if info.name == "reviewer.__main__":
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra (llm, github) that is not installed
            continue
        for name, value in vars(module).items():
            if isinstance(value, _Lazy):
                assert value.pattern, f"{info.name}.{name}"
                checked += 1
    assert checked > 100
