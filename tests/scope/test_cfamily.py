from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.diff import parse_diff
from reviewer.scope import scope_file
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "cfamily"


def _names(fs: object) -> list[tuple[str, str, str]]:
    return [(s.kind, s.name, s.change) for s in fs.symbols]  # type: ignore[attr-defined]


def test_csharp_method_is_qualified_by_class_from_the_heading() -> None:
    # file-scoped namespace: the class is at column 0 and git's heading names it
    filler = "".join(
        f"    public void M{i}()\n    {{\n        Run({i});\n    }}\n\n" for i in range(10)
    )
    old = (
        "namespace Shop;\n\npublic class Admin\n{\n"
        + filler
        + "    public void Render(int a)\n    {\n        if (a > 0)\n        {\n            Go(a);\n"
        "        }\n        Done();\n    }\n}\n"
    )
    new = old.replace(
        "        Done();\n    }\n}",
        "        Done();\n    }\n\n    public void Close()\n    {\n        Stop();\n    }\n}",
    )
    full, hunks = scope_both("src/Admin.cs", old, new)
    assert _names(full) == [("method", "Admin.Close", "added")]
    assert _names(hunks) == _names(full)


def test_cpp_method_is_qualified_by_class_from_the_heading() -> None:
    filler = "".join(f"  void m{i}() {{\n    run({i});\n  }}\n\n" for i in range(10))
    old = (
        "class Admin {\n public:\n"
        + filler
        + "  void render(int a) {\n    if (a > 0) {\n      go(a);\n    }\n    done();\n  }\n};\n"
    )
    new = old.replace(
        "    done();\n  }\n};", "    done();\n  }\n\n  void close() {\n    stop();\n  }\n};"
    )
    full, hunks = scope_both("src/admin.hpp", old, new)
    assert _names(full) == [("method", "Admin.close", "added")]
    assert _names(hunks) == _names(full)


@pytest.mark.parametrize(
    ("path", "source", "name", "public"),
    [
        ("src/a.c", "int f(void) { return 0; }\n", "f", True),
        ("src/a.c", "static int f(void) { return 0; }\n", "f", False),
        ("src/a.c", "#define LIMIT 3\n", "LIMIT", False),
        ("include/a.h", "#define LIMIT 3\n", "LIMIT", True),
        ("include/a.h", "int f(void);\n", "f", True),
        ("include/a.hpp", "class A {\n  void f();\n};\n", "A.f", False),
        ("include/a.hpp", "struct A {\n  void f();\n};\n", "A.f", True),
        ("include/a.hpp", "class A {\n public:\n  void f();\n};\n", "A.f", True),
        ("include/a.hpp", "class A {\n protected:\n  void f();\n};\n", "A.f", True),
        ("src/a.cc", "namespace {\nint f() { return 0; }\n}\n", "f", False),
        ("src/a.cc", "int A::f() { return 0; }\n", "A.f", True),
        ("src/A.cs", "public class A\n{\n    public void F() {}\n}\n", "A.F", True),
        ("src/A.cs", "public class A\n{\n    void F() {}\n}\n", "A.F", False),
        ("src/A.cs", "class A\n{\n    public void F() {}\n}\n", "A.F", False),
        ("src/A.cs", "public class A\n{\n    protected internal void F() {}\n}\n", "A.F", True),
        ("src/A.cs", "public class A\n{\n    private protected void F() {}\n}\n", "A.F", False),
        ("src/A.cs", "public interface I\n{\n    void F();\n}\n", "I.F", True),
    ],
)
def test_visibility(path: str, source: str, name: str, public: bool) -> None:
    full, _ = scope_both(path, source, None)
    assert {s.name: s.public for s in full.symbols}[name] is public


def test_cpp_header_with_c_extension_is_read_as_cpp() -> None:
    old = "namespace shop {\nclass Cart {\n public:\n  int add(int item);\n};\n}\n"
    new = old.replace("int add(int item);", "int add(int item, int qty);")
    full, hunks = scope_both("include/cart.h", old, new)
    assert full.language == "cpp" and hunks.language == "cpp"
    assert _names(full) == [("method", "Cart.add", "signature")]


@pytest.mark.parametrize(
    ("path", "language", "sections"),
    [
        ("src/x.c", "c", [("function", "Broken", "modified")]),
        ("src/x.cc", "cpp", [("namespace", "Broken", "modified")]),
        ("include/x.h", "c", [("function", "Broken", "modified")]),
        ("src/X.cs", "c_sharp", [("namespace", "Broken", "modified")]),
    ],
)
def test_broken_fragments_do_not_raise(
    path: str, language: str, sections: list[tuple[str, str, str]]
) -> None:
    diff = (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        "@@ -10,6 +10,7 @@ template <typename T, typename U = std::map<int, std::vector<\n"
        '       });\n  }}}\n-    auto x = R"(unterminated\n+#if FOO\r\n+))) ]]] {{{\n'
        "   * half a comment */\n"
        "@@ -40,3 +41,3 @@ namespace Broken\n-}\n+{\n   )\n"
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
