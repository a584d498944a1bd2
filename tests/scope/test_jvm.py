from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.diff import parse_diff
from reviewer.scope import scope_file
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "jvm"


def _names(fs: object) -> list[tuple[str, str, str]]:
    return [(s.kind, s.name, s.change) for s in fs.symbols]  # type: ignore[attr-defined]


def test_java_method_is_qualified_by_class_from_the_heading() -> None:
    # the hunk starts inside a method and defines the next one: the class is only in the heading
    filler = "".join(f"  void m{i}() {{\n    run({i});\n  }}\n\n" for i in range(10))
    old = (
        "public class Admin {\n"
        + filler
        + "  void render(int a) {\n    if (a > 0) {\n      go(a);\n    }\n    done();\n  }\n}\n"
    )
    new = old.replace(
        "    done();\n  }\n}", "    done();\n  }\n\n  public void close() {\n    stop();\n  }\n}"
    )
    full, hunks = scope_both("src/Admin.java", old, new)
    assert _names(full) == [("method", "Admin.close", "added")]
    assert _names(hunks) == _names(full)


def test_kotlin_method_is_qualified_by_class_from_the_heading() -> None:
    filler = "".join(f"    fun m{i}() {{\n        run({i})\n    }}\n\n" for i in range(10))
    old = (
        "class Admin {\n"
        + filler
        + "    fun render(a: Int) {\n        if (a > 0) {\n            go(a)\n        }\n        done()\n    }\n}\n"
    )
    new = old.replace(
        "        done()\n    }\n}",
        "        done()\n    }\n\n    fun close() {\n        stop()\n    }\n}",
    )
    full, hunks = scope_both("src/Admin.kt", old, new)
    assert _names(full) == [("function", "Admin.close", "added")] or _names(full) == [
        ("method", "Admin.close", "added")
    ]
    assert _names(hunks) == _names(full)


@pytest.mark.parametrize(
    ("source", "name", "public"),
    [
        ("public class A {\n  public void m() {}\n}\n", "A.m", True),
        ("public class A {\n  protected void m() {}\n}\n", "A.m", True),
        ("public class A {\n  void m() {}\n}\n", "A.m", False),
        ("public class A {\n  private void m() {}\n}\n", "A.m", False),
        ("class A {\n  public void m() {}\n}\n", "A.m", False),
        ("public interface I {\n  void m();\n}\n", "I.m", True),
        (
            "public class A {\n  private static class B {\n    public void m() {}\n  }\n}\n",
            "A.B.m",
            False,
        ),
        ("public class A {\n  public static final int X = 1;\n}\n", "A.X", True),
    ],
)
def test_java_visibility(source: str, name: str, public: bool) -> None:
    full, _ = scope_both("src/A.java", source, None)
    assert {s.name: s.public for s in full.symbols}[name] is public


@pytest.mark.parametrize(
    ("source", "name", "public"),
    [
        ("class A {\n    fun m() {}\n}\n", "A.m", True),
        ("class A {\n    protected fun m() {}\n}\n", "A.m", True),
        ("class A {\n    internal fun m() {}\n}\n", "A.m", False),
        ("class A {\n    private fun m() {}\n}\n", "A.m", False),
        ("private class A {\n    fun m() {}\n}\n", "A.m", False),
        (
            "class A {\n    companion object {\n        fun m() {}\n    }\n}\n",
            "A.Companion.m",
            True,
        ),
    ],
)
def test_kotlin_visibility(source: str, name: str, public: bool) -> None:
    full, _ = scope_both("src/A.kt", source, None)
    assert {s.name: s.public for s in full.symbols}[name] is public


@pytest.mark.parametrize(
    ("path", "language", "sections"),
    [
        ("src/X.java", "java", []),
        ("src/X.kt", "kotlin", []),
    ],
)
def test_broken_fragments_do_not_raise(
    path: str, language: str, sections: list[tuple[str, str, str]]
) -> None:
    diff = (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        "@@ -10,6 +10,7 @@ public final class Broken<K, V extends Map<String, List<\n"
        '       });\n  }}}\n-    String x = """\n+    @Override public void (((\r\n+))) ]]] {{{\n'
        "   * half a comment */\n"
        "@@ -40,3 +41,3 @@ import java.util.List;\n-}\n+{\n   )\n"
        "@@ -90,2 +91,2 @@\n-" + "{" * 10000 + "\n+" + "(" * 10000 + "\n"
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
