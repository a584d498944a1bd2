from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.diff import parse_diff
from reviewer.scope import scope_file
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "rust"


def _names(fs: object) -> list[tuple[str, str, str]]:
    return [(s.kind, s.name, s.change) for s in fs.symbols]  # type: ignore[attr-defined]


def test_methods_are_qualified_by_impl_type_from_the_heading() -> None:
    filler = "".join(f"    fn m{i}(&self) {{\n        run({i});\n    }}\n\n" for i in range(10))
    old = (
        "impl<T: Clone> Admin<T> {\n"
        + filler
        + "    fn render(&self, a: i32) {\n        if a > 0 {\n            go(a);\n        }\n        done();\n    }\n}\n"
    )
    new = old.replace(
        "        done();\n    }\n}",
        "        done();\n    }\n\n    pub fn close(&self) {\n        stop();\n    }\n}",
    )
    full, hunks = scope_both("src/admin.rs", old, new)
    assert _names(full) == [("method", "Admin.close", "added")]
    assert _names(hunks) == _names(full)


@pytest.mark.parametrize(
    ("path", "source", "name", "public"),
    [
        ("src/lib.rs", "pub fn f() {}\n", "f", True),
        ("src/lib.rs", "fn f() {}\n", "f", False),
        ("src/lib.rs", "pub(crate) fn f() {}\n", "f", False),
        ("src/lib.rs", "pub(super) fn f() {}\n", "f", False),
        ("src/lib.rs", "struct S;\nimpl S {\n    pub fn f(&self) {}\n}\n", "S.f", True),
        ("src/lib.rs", "impl Clone for S {\n    fn clone(&self) -> S { S }\n}\n", "S.clone", True),
        ("src/lib.rs", "pub trait T {\n    fn f(&self);\n}\n", "T.f", True),
        ("src/lib.rs", "trait T {\n    fn f(&self);\n}\n", "T.f", False),
        ("src/lib.rs", "mod inner {\n    pub fn f() {}\n}\n", "inner.f", False),
        ("src/lib.rs", "pub mod inner {\n    pub fn f() {}\n}\n", "inner.f", True),
        ("src/main.rs", "pub fn f() {}\n", "f", False),
    ],
)
def test_visibility(path: str, source: str, name: str, public: bool) -> None:
    full, _ = scope_both(path, source, None)
    assert {s.name: s.public for s in full.symbols}[name] is public


def test_broken_fragments_do_not_raise() -> None:
    path = "src/x.rs"
    diff = (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        "@@ -10,6 +10,7 @@ impl<'a, T: Iterator<Item = &'a str> + Clone> Broken<'a, T> for Vec<Option<\n"
        "       });\n  }}}\n-    let x = r#\"unterminated\n+    'a: loop {\r\n+))) ]]] {{{\n"
        "   * half a comment */\n"
        "@@ -40,3 +41,3 @@ mod tests {\n-}\n+{\n   )\n"
        "@@ -90,2 +91,2 @@\n-" + "{" * 10000 + "\n+" + "(" * 10000 + "\n"
    )
    (fd,) = parse_diff(diff).files
    fs = scope_file(fd, None)
    # what is readable still gives the file's scope: its path, its lines and its hunks' sections;
    # the broken text itself yields no symbol and no signal
    assert (fs.path, fs.language, fs.mode) == ("src/x.rs", "rust", "hunks")
    assert (fs.additions, fs.deletions) == (fd.additions, fd.deletions) == (4, 3)
    assert [(s.kind, s.name, s.change) for s in fs.symbols] == [
        ("module", "tests", "modified"),
        ("statement", "(module level)", "modified"),
    ]
    assert fs.signals == () and fs.change_kinds == ()
