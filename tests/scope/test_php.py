from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.diff import parse_diff
from reviewer.scope import scope_file
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "php"


def _names(fs: object) -> list[tuple[str, str, str]]:
    return [(s.kind, s.name, s.change) for s in fs.symbols]  # type: ignore[attr-defined]


def test_methods_are_qualified_by_class_from_the_heading() -> None:
    filler = "".join(
        f"    public function m{i}()\n    {{\n        run({i});\n    }}\n\n" for i in range(10)
    )
    old = (
        "<?php\n\nclass Admin\n{\n"
        + filler
        + "    public function render($a)\n    {\n        if ($a > 0) {\n            go($a);\n        }\n"
        "        done();\n    }\n}\n"
    )
    new = old.replace(
        "        done();\n    }\n}",
        "        done();\n    }\n\n    public function close()\n    {\n        stop();\n    }\n}",
    )
    full, hunks = scope_both("src/Admin.php", old, new)
    assert _names(full) == [("method", "Admin.close", "added")]
    assert _names(hunks) == _names(full)


@pytest.mark.parametrize(
    ("source", "name", "public"),
    [
        ("<?php\nclass A {\n  public function f() {}\n}\n", "A.f", True),
        ("<?php\nclass A {\n  function f() {}\n}\n", "A.f", True),
        ("<?php\nclass A {\n  protected function f() {}\n}\n", "A.f", False),
        ("<?php\nclass A {\n  private static function f() {}\n}\n", "A.f", False),
        ("<?php\nclass A {\n  public $p = 1;\n}\n", "A.p", True),
        ("<?php\nclass A {\n  private $p = 1;\n}\n", "A.p", False),
        ("<?php\nfunction f() {}\n", "f", True),
        ("<?php\ninterface I {\n  public function f();\n}\n", "I.f", True),
    ],
)
def test_visibility(source: str, name: str, public: bool) -> None:
    full, _ = scope_both("src/A.php", source, None)
    assert {s.name: s.public for s in full.symbols}[name] is public


def test_broken_fragments_do_not_raise() -> None:
    path = "src/X.php"
    diff = (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        "@@ -10,6 +10,7 @@ final class Broken extends Base implements \\\\Countable, Array\n"
        "       });\n  }}}\n-    $x = <<<EOT\n+    ?><div><?= $a (((\r\n+))) ]]] {{{\n"
        "   * half a comment */\n"
        "@@ -40,3 +41,3 @@ namespace App;\n-}\n+{\n   )\n"
        "@@ -90,2 +91,2 @@\n-" + "{" * 10000 + "\n+" + "(" * 10000 + "\n"
    )
    (fd,) = parse_diff(diff).files
    fs = scope_file(fd, None)
    # what is readable still gives the file's scope: its path, its lines and its hunks' sections;
    # the broken text itself yields no symbol and no signal
    assert (fs.path, fs.language, fs.mode) == ("src/X.php", "php", "hunks")
    assert (fs.additions, fs.deletions) == (fd.additions, fd.deletions) == (4, 3)
    assert [(s.kind, s.name, s.change) for s in fs.symbols] == [
        ("statement", "(module level)", "modified"),
    ]
    assert fs.signals == () and fs.change_kinds == ()
