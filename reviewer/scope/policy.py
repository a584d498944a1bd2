"""The reviewer's own policy (``.reviewer.toml``, ``[tool.reviewer]`` in ``pyproject.toml``): an edit
is a governance change that names what it loosens.

The policy that reviews a change is read from the base, so an edit cannot weaken its own review; it
weakens every later one. Nothing the file says explains it (match/licensing.py never licenses
``policy.*`` signals) and it always asks who approved it (questions.py, by ``POLICY_SYMBOL``).
"""

from __future__ import annotations

from ..models import CI_CD, POLICY_SYMBOL, Severity, Side, Signal
from ..rx import lazy
from .engine import FileContext, Partial

_POLICY_RE = lazy(r"^(\.reviewer\.toml|pyproject\.toml)$")
_HEADER_RE = lazy(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
_KEY_RE = lazy(r"^\s*([A-Za-z_][\w.-]*)\s*=")
#: keys whose edit can loosen the gate, in the words the finding uses
_LOOSENING_KEYS = ("fail_on", "ignore", "protected", "senior_reviewers", "critical_paths", "rules")


def analyze(ctx: FileContext) -> Partial:
    if not _POLICY_RE.match(ctx.path):
        return Partial()
    pyproject = ctx.path == "pyproject.toml"
    old, new = _load(ctx.old_source, pyproject), _load(ctx.new_source, pyproject)
    if ctx.full and old is not None and new is not None:
        found = _compare(old, new)
    else:
        found = _from_lines(ctx, pyproject)
    if found is None:
        return Partial()
    loosens, changes = found
    line = min(ctx.changed("new") or ctx.changed("old") or {0: ""}) or None
    side: Side = "new" if ctx.changed("new") else "old"
    if loosens:
        detail = (
            f"changes the reviewer's own policy in `{ctx.path}`: it loosens {'; '.join(loosens)}"
        )
        severity: Severity = "high"
    else:
        what = ", ".join(changes) or "its content"
        detail = f"changes the reviewer's own policy in `{ctx.path}` ({what})"
        severity = "medium"
    code = "policy.loosened" if loosens else "policy.changed"
    return Partial(
        signals=[
            Signal(
                kind=CI_CD,
                code=code,
                detail=detail,
                line=line,
                side=side,
                symbol=POLICY_SYMBOL,
                severity=severity,
            )
        ]
    )


def _load(text: str | None, pyproject: bool) -> object | None:
    """The policy a side holds (defaults when it holds none), or None when it cannot be read."""
    from .. import config as cfg
    from ..errors import ConfigError

    if text is None:
        return cfg.Config()
    try:
        return cfg.load_text(text, source="policy", pyproject=pyproject)
    except ConfigError:
        return None


def _compare(old: object, new: object) -> tuple[list[str], list[str]] | None:
    from ..config import Config

    assert isinstance(old, Config) and isinstance(new, Config)
    loosens: list[str] = []
    if old.fail_on != new.fail_on and (new.fail_on == "never" or old.fail_on == "drift"):
        loosens.append(f"`fail_on` from `{old.fail_on}` to `{new.fail_on}`")
    for name, label, grown in (
        ("ignore", "`ignore` (newly ignored: {})", True),
        ("disable", "`rules.ignore` (rules switched off: {})", True),
        ("protected", "`protected` (no longer protected: {})", False),
        ("senior_reviewers", "the senior reviewers (removed: {})", False),
    ):
        before, after = set(getattr(old, name)), set(getattr(new, name))
        diff = sorted(after - before) if grown else sorted(before - after)
        if diff:
            loosens.append(label.format(", ".join(f"`{d}`" for d in diff[:5])))
    if old.senior_reviewers and not new.senior_reviewers:
        loosens.append("sign-off to anyone with write access (no senior reviewers left)")
    if new.select and set(new.select) != set(old.select):
        loosens.append("`rules.select` (only the selected rules run)")
    if {c.pattern for c in old.critical_paths} - {c.pattern for c in new.critical_paths}:
        loosens.append("`critical_paths`")
    changes = [
        f
        for f in ("fail_on", "critical_paths", "questions", "ai_markers", "llm", "select")
        if getattr(old, f) != getattr(new, f)
    ]
    if not loosens and not changes:
        return None  # e.g. a pyproject.toml edit outside [tool.reviewer]
    return list(dict.fromkeys(loosens)), changes


def _from_lines(ctx: FileContext, pyproject: bool) -> tuple[list[str], list[str]] | None:
    """Hunks only: the keys on changed lines (in pyproject.toml, under a visible [tool.reviewer])."""
    keys: list[str] = []
    sides: tuple[Side, Side] = ("old", "new")
    for side in sides:
        changed = ctx.changed(side)
        for seg in ctx.segments(side):
            table = ""
            for row, text in enumerate(seg.text.split("\n")):
                header = _HEADER_RE.match(text)
                if header:
                    table = header.group(1)
                line = seg.line_of(row)
                if line is None or line not in changed:
                    continue
                if pyproject and not table.startswith("tool.reviewer"):
                    continue
                key = _KEY_RE.match(text)
                name = table.removeprefix("tool.reviewer").strip(".") if header else ""
                keys.append(key.group(1) if key else name or "the policy")
    if not keys:
        return None
    keys = list(dict.fromkeys(keys))
    touched = [k for k in keys if k.split(".")[0] in _LOOSENING_KEYS]
    loosens = [f"`{k}` (a change that can loosen the gate)" for k in touched]
    return loosens, [f"`{k}`" for k in keys]
