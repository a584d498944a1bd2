"""The catalogue lists every signal code and rule id the reviewer emits, and nothing it no longer emits.

Two readings of the package, both independent of where its modules live (the whole ``reviewer``
package is walked, no file is named):

- the source, with ``ast``: codes given to ``Signal(...)`` (second positional argument or ``code=``),
  directly or through a helper that hands its parameter on as the code; code-shaped strings in
  tables (``"cmd.rm_rf"``); and codes built with f-strings (``f"gha.{what}_deleted"``), read as
  patterns;
- the output: every signal of the scope goldens, the rendered goldens and the dev set (when
  ``REVIEWER_DEV_SET`` or ``../shared/bench/dev.jsonl`` exists).
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import reviewer
from reviewer.models import CHANGE_KINDS, SEVERITIES, Signal
from reviewer.rules import KIND_RULES, RULES, RULES_BY_ID
from reviewer.rules import catalogue as cat

PACKAGE = Path(reviewer.__file__).parent
CATALOGUE = Path(cat.__file__)
RULES_MODULE = PACKAGE / "rules" / "__init__.py"
ROOT = PACKAGE.parent
#: a signal code: ``family.reason``
CODE_RE = re.compile(r"^([a-z][a-z0-9]*)\.([a-z0-9_]+)$")
RULE_RE = re.compile(r"^RV\d{3}$")


@cache
def _modules() -> tuple[tuple[Path, ast.Module], ...]:
    return tuple(
        (path, ast.parse(path.read_text("utf-8"), str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != CATALOGUE
    )


def _strings(tree: ast.AST) -> Iterator[tuple[ast.Constant, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node, node.value


def _pattern(node: ast.JoinedStr) -> re.Pattern[str]:
    """``f"gha.{what}_deleted"`` -> ``gha\\.[a-z0-9_]+_deleted``."""
    parts = [
        re.escape(str(v.value)) if isinstance(v, ast.Constant) else "[a-z0-9_]+"
        for v in node.values
    ]
    return re.compile("".join(parts))


def _is_code_template(node: ast.JoinedStr) -> bool:
    first = node.values[0] if node.values else None
    if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return False
    head = first.value.split(".", 1)
    constants = [str(v.value) for v in node.values if isinstance(v, ast.Constant)]
    return len(head) == 2 and head[0] in cat.FAMILIES and not any(" " in c for c in constants)


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _code_argument(call: ast.Call, index: int, name: str) -> ast.expr | None:
    if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[:index]):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == name), None)


def _code_expressions() -> list[tuple[Path, ast.expr]]:
    """Every expression given as the code of a signal: to ``Signal`` or to a helper passing it on."""
    found: list[tuple[Path, ast.expr]] = []
    for path, tree in _modules():
        # callee name -> (index of the code argument, its name); grown to a fixed point
        helpers: dict[str, tuple[int, str]] = {"Signal": (1, "code")}
        functions = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        grew = True
        while grew:
            grew = False
            for fn in functions:
                if fn.name in helpers:
                    continue
                params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
                keywords = [a.arg for a in fn.args.kwonlyargs]
                offset = 1 if params[:1] in (["self"], ["cls"]) else 0
                for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                    target = helpers.get(_callee(call) or "")
                    arg = target and _code_argument(call, *target)
                    if isinstance(arg, ast.Name) and arg.id in (*params, *keywords):
                        # a keyword-only parameter is never given by position
                        index = params.index(arg.id) - offset if arg.id in params else 1 << 30
                        helpers[fn.name] = (index, arg.id)
                        grew = True
                        break
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            target = helpers.get(_callee(call) or "")
            arg = target and _code_argument(call, *target)
            if isinstance(arg, ast.expr):
                found.extend((path, e) for e in _branches(arg))
    return found


def _branches(expr: ast.expr) -> Iterator[ast.expr]:
    if isinstance(expr, ast.IfExp):
        yield from _branches(expr.body)
        yield from _branches(expr.orelse)
    else:
        yield expr


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"


# --- the catalogue itself ------------------------------------------------------------------------


def test_every_entry_is_well_formed() -> None:
    assert len(cat.BY_CODE) == len(cat.CODES), "a code is listed twice"
    for c in cat.CODES:
        assert CODE_RE.match(c.code), c.code
        assert cat.family_of(c.code) in cat.FAMILIES, f"{c.code}: add its family to FAMILIES"
        assert c.kind in CHANGE_KINDS, c
        assert c.severity in SEVERITIES, c
        assert c.meaning.endswith(".") and "\n" not in c.meaning, c
    for prefix in cat.FAMILIES:
        assert any(cat.family_of(c.code) == prefix for c in cat.CODES), f"family {prefix} is empty"


# --- emitted -> catalogued (source) ------------------------------------------------------------


def test_every_code_given_to_a_signal_is_catalogued() -> None:
    literals = 0
    problems = []
    for path, expr in _code_expressions():
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            literals += 1
            if expr.value not in cat.BY_CODE:
                problems.append(f"{_where(path, expr)}: {expr.value!r} is not in the catalogue")
        elif isinstance(expr, ast.JoinedStr):
            pattern = _pattern(expr)
            if not any(pattern.fullmatch(c) for c in cat.BY_CODE):
                problems.append(
                    f"{_where(path, expr)}: no catalogued code matches {pattern.pattern}"
                )
    assert not problems, "\n".join(problems)
    # the scan still finds the analyzers' signals (a renamed Signal would make it vacuous)
    assert literals >= 50


def test_every_code_shaped_string_is_catalogued() -> None:
    """Codes kept in tables (``_WHAT``, migration operations) and codes consumers compare with."""
    problems = [
        f"{_where(path, node)}: {text!r} is not in the catalogue"
        for path, tree in _modules()
        for node, text in _strings(tree)
        if (m := CODE_RE.match(text)) and m.group(1) in cat.FAMILIES and text not in cat.BY_CODE
    ]
    assert not problems, "\n".join(problems)


def test_every_code_template_matches_a_catalogued_code() -> None:
    problems = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and _is_code_template(node):
                pattern = _pattern(node)
                if not any(pattern.fullmatch(c) for c in cat.BY_CODE):
                    problems.append(f"{_where(path, node)}: nothing catalogued matches {pattern}")
    assert not problems, "\n".join(problems)


# --- catalogued -> emitted (no dead entries) -----------------------------------------------------


def test_every_catalogued_code_is_still_emitted_somewhere() -> None:
    named: set[str] = set()
    templates: list[re.Pattern[str]] = []
    for _path, tree in _modules():
        named.update(text for _node, text in _strings(tree) if CODE_RE.match(text))
        templates.extend(
            _pattern(n)
            for n in ast.walk(tree)
            if isinstance(n, ast.JoinedStr) and _is_code_template(n)
        )
    dead = [
        c.code
        for c in cat.CODES
        if c.code not in named and not any(t.fullmatch(c.code) for t in templates)
    ]
    assert not dead, f"catalogued but emitted nowhere (remove them): {dead}"


# --- emitted -> catalogued (output) ------------------------------------------------------------


def _scope_golden_signals() -> Iterator[tuple[str, Signal]]:
    from tests.helpers import scope_both

    for case in sorted(p for p in (ROOT / "tests" / "scope" / "golden").glob("*/*") if p.is_dir()):
        meta = json.loads((case / "case.json").read_text())
        old, new = ((case / s).read_text() if (case / s).exists() else None for s in ("old", "new"))
        for fs in scope_both(meta["path"], old, new, context=meta.get("context", 3)):
            yield from ((f"{case.parent.name}/{case.name}", s) for s in fs.signals)


def _rendered_golden_signals() -> Iterator[tuple[str, Signal]]:
    from tests.render.cases import case_names, load_case

    for name in case_names():
        review, _state = load_case(name)
        yield from ((f"render/{name}", s) for fr in review.files for s in fr.scope.signals)


def _dev_set() -> Path | None:
    path = Path(os.environ.get("REVIEWER_DEV_SET", ROOT.parent / "shared" / "bench" / "dev.jsonl"))
    return path if path.is_file() else None


def _dev_set_signals() -> Iterator[tuple[str, Signal]]:
    from reviewer.bench import load_cases, run_review

    path = _dev_set()
    if path is None:
        pytest.skip("no dev set (set REVIEWER_DEV_SET)")
    for case in load_cases(str(path)):
        review = run_review(case)
        yield from ((case.id, s) for fr in review.files for s in fr.scope.signals)


def _check_seen(seen: Iterator[tuple[str, Signal]], at_least: int) -> None:
    codes: set[str] = set()
    problems = []
    for where, sig in seen:
        codes.add(sig.code)
        entry = cat.lookup(sig.code)
        if entry is None:
            problems.append(f"{where}: {sig.code} is not in the catalogue")
        elif entry.kind != sig.kind:
            problems.append(f"{where}: {sig.code} is {sig.kind}, the catalogue says {entry.kind}")
    assert not problems, "\n".join(sorted(set(problems)))
    assert len(codes) >= at_least


@pytest.mark.parametrize(
    ("source", "at_least"),
    [("scope goldens", 100), ("rendered goldens", 5), ("dev set", 30)],
)
def test_every_code_in_the_output_is_catalogued_with_its_kind(source: str, at_least: int) -> None:
    seen = {
        "scope goldens": _scope_golden_signals,
        "rendered goldens": _rendered_golden_signals,
        "dev set": _dev_set_signals,
    }[source]()
    _check_seen(seen, at_least)


# --- rule ids ------------------------------------------------------------------------------------


def test_every_rule_id_named_in_the_package_is_a_rule() -> None:
    problems = [
        f"{_where(path, node)}: {text} is not in rules.RULES"
        for path, tree in _modules()
        for node, text in _strings(tree)
        if RULE_RE.match(text) and text not in RULES_BY_ID
    ]
    assert not problems, "\n".join(problems)


def test_every_rule_is_emitted_somewhere() -> None:
    named = {
        text
        for path, tree in _modules()
        if path != RULES_MODULE
        for _node, text in _strings(tree)
        if RULE_RE.match(text)
    }
    kind_rules = set(KIND_RULES.values())
    dead = [r.id for r in RULES if r.id not in named and r.id not in kind_rules]
    assert not dead, f"rules no module emits: {dead}"
    # an RV2xx rule is emitted through the signals of its kind: the kind must have some
    empty = [kind for kind in KIND_RULES if not cat.codes_of_kind(kind)]
    assert not empty, f"change kinds with a rule but no signal code: {empty}"


# --- docs/rules.md -------------------------------------------------------------------------------


def test_docs_rules_md_is_generated_from_the_catalogue() -> None:
    doc = ROOT / "docs" / "rules.md"
    assert doc.read_text("utf-8") == cat.markdown(), (
        "docs/rules.md is stale: python -m reviewer.rules.catalogue --markdown > docs/rules.md"
    )


def test_the_markdown_lists_every_code_and_rule() -> None:
    text = cat.markdown()
    assert all(f"`{c.code}`" in text for c in cat.CODES)
    assert all(f"`{r.id}`" in text for r in RULES)


def test_main_prints_the_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert cat.main(["--markdown"]) == 0
    assert capsys.readouterr().out == cat.markdown()
    assert cat.main([]) == 2
