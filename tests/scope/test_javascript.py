from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.diff import parse_diff
from reviewer.scope import scope_file
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "javascript"


def _names(fs: object) -> list[tuple[str, str, str]]:
    return [(s.kind, s.name, s.change) for s in fs.symbols]  # type: ignore[attr-defined]


def test_methods_are_qualified_by_class_from_the_heading() -> None:
    # the class header is far above the hunk, which starts inside a method
    filler = "".join(f"  m{i}() {{\n    return {i};\n  }}\n\n" for i in range(12))
    old = (
        "export class Admin {\n"
        + filler
        + "  render(a) {\n    if (a) {\n      go(a);\n    }\n    return a;\n  }\n}\n"
    )
    new = old.replace(
        "    return a;\n  }\n}", "    return a;\n  }\n\n  close() {\n    return null;\n  }\n}"
    )
    full, hunks = scope_both("src/admin.js", old, new)
    assert _names(full) == [("method", "Admin.close", "added")]
    assert _names(hunks) == _names(full)


@pytest.mark.parametrize(
    ("source", "name", "public"),
    [
        ("export function f() {}\n", "f", True),
        ("function f() {}\n", "f", False),
        ("function f() {}\nexport { f };\n", "f", True),
        ("function f() {}\nmodule.exports = f;\n", "f", True),
        ("exports.f = function () {};\n", "f", True),
        ("export const f = () => 1;\n", "f", True),
        ("export class C {\n  m() {}\n}\n", "C.m", True),
        ("export class C {\n  #m() {}\n}\n", "C.#m", False),
        ("class C {\n  m() {}\n}\n", "C.m", False),
        ("export class C {\n  private m(): void {}\n}\n", "C.m", False),
        ("export class C {\n  protected m(): void {}\n}\n", "C.m", False),
        ("export interface I {\n  m(): void;\n}\n", "I.m", True),
        ("export namespace N {\n  export function g() {}\n}\n", "N.g", True),
    ],
)
def test_visibility(source: str, name: str, public: bool) -> None:
    full, _ = scope_both("src/m.ts", source, None)
    assert {s.name: s.public for s in full.symbols}[name] is public


def test_require_is_an_import_not_a_variable() -> None:
    old = 'const a = require("a");\nconst b = 1;\n'
    new = 'const a = require("a");\nconst c = require("c");\nconst b = 2;\n'
    full, hunks = scope_both("src/x.js", old, new)
    assert ("import", 'const c = require("c");', "added") in _names(full)
    assert ("variable", "b", "modified") in _names(full)
    assert _names(hunks) == _names(full)


@pytest.mark.parametrize(
    ("path", "language", "sections"),
    [
        ("src/x.js", "javascript", []),
        ("src/x.ts", "typescript", []),
        ("src/x.tsx", "tsx", []),
    ],
)
def test_broken_fragments_do_not_raise(
    path: str, language: str, sections: list[tuple[str, str, str]]
) -> None:
    diff = (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        "@@ -10,6 +10,7 @@ export class Broken<T extends Map<string, Array<\n"
        "       });\n  }}}\n-    const x = `unterminated ${\n+    return <div>{a}</span>;\r\n+))) ]]] {{{\n"
        "   * half a comment */\n"
        "@@ -40,3 +41,3 @@ describe('x', () => {\n-  it('y', () => {\n+  it('z', () => {\n   })\n"
        "@@ -90,2 +91,2 @@\n-" + "{" * 10000 + "\n+" + "[" * 10000 + "\n"
    )
    (fd,) = parse_diff(diff).files
    fs = scope_file(fd, None)
    # what is readable still gives the file's scope: its path, its lines and its hunks' sections;
    # the broken text itself yields no symbol and no signal
    assert (fs.path, fs.language, fs.mode) == (path, language, "hunks")
    assert (fs.additions, fs.deletions) == (fd.additions, fd.deletions) == (4, 3)
    assert [(s.kind, s.name, s.change) for s in fs.symbols] == [
        *sections,
        ("statement", "(module level)", "modified"),
    ]
    assert fs.signals == () and fs.change_kinds == ()


def test_statements_deep_in_a_method_are_not_members_of_the_class_in_a_hunk() -> None:
    """A hunk cut out of a method body shows only git's `export class Ky {` heading: its
    `const deleted = ...` and `if (deleted) {` rows are statements, not a field and a method."""
    from tests.helpers import scope_both

    body = (
        "\t\t\tconst deleted = (opts as any)?.[sym] as Set<string> | undefined;\n"
        "\t\t\tif (deleted) {\n\t\t\t\tfor (const key of deleted) {\n"
        "\t\t\t\t\turl.searchParams.delete(key);\n\t\t\t\t}\n\t\t\t}\n\n"
    )
    old = (
        "export class Ky {\n\tasync fetch() {\n\t\tif (a) {\n\t\t\tconst url = new URL(x);\n\n"
        + body
        + "\t\t\tthis.request = new Request(url);\n\t\t}\n\t}\n}\n"
    )
    new = old.replace(body, "")
    for fs in scope_both("source/core/Ky.ts", old, new, context=1):
        assert not [s for s in fs.signals if s.code == "code.public_removed"], fs.signals


def test_a_hunk_that_ends_inside_a_doc_comment_is_a_comment_change() -> None:
    """The `*/` of a long doc comment is often below the hunk: the fragment is closed as a
    comment, so a wording fix in it is comments-only in hunk mode as in full mode."""
    from tests.helpers import scope_both

    old = (
        "/**\nType guard to check if an error is a Ky error.\n\nNote: more text here.\n\n"
        "@param error - The error\n*/\n"
        "export function isKyError(error: unknown): error is KyError {\n\treturn true;\n}\n"
    )
    new = old.replace("a Ky error.", "a `KyError`.")
    full, hunks = scope_both("source/utils/type-guards.ts", old, new, context=2)
    assert full.cosmetic == hunks.cosmetic == "comments"
    # code after the hunk's closed comment is still code
    code = old.replace("return true;", "return false;")
    _full, hunks = scope_both("source/utils/type-guards.ts", old, code, context=2)
    assert hunks.cosmetic is None
