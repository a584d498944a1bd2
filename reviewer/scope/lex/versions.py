"""Version strings: the first dotted number of a spec or tag, and how far two versions differ."""

from __future__ import annotations

from ...rx import lazy

_VERSION_RE = lazy(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def version_tuple(text: str) -> tuple[int, ...] | None:
    """The first dotted number in ``text`` (``^1.2.3`` -> (1, 2, 3)); None when it has none."""
    m = _VERSION_RE.search(text)
    if m is None:
        return None
    return tuple(int(g) for g in m.groups() if g is not None)


def compare_versions(
    old: str, new: str, *, significant: int = 1, variants: bool = False, zero: bool = True
) -> str | None:
    """``major`` when the first ``significant`` numbers differ, ``minor`` for any other difference.

    With ``zero``, a 0.x version counts one more number (``0.3`` -> ``0.4`` is major, as in
    semver). With ``variants``, text after the version (``-alpine`` -> ``-slim``) also makes a
    change major. None when the two are the same.
    """
    if old == new:
        return None
    o, n = version_tuple(old), version_tuple(new)
    if o is None or n is None:
        return "major" if (o is None) != (n is None) or variants else "minor"
    if zero and o[0] == 0 and n[0] == 0:
        significant += 1
    if o[:significant] != n[:significant]:
        return "major"
    if variants and _variant(old) != _variant(new):
        return "major"
    return "minor"


def _variant(tag: str) -> str:
    m = _VERSION_RE.search(tag)
    return tag[m.end() :] if m else tag
