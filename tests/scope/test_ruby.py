from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.diff import parse_diff
from reviewer.scope import scope_file
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "ruby"


def _names(fs: object) -> list[tuple[str, str, str]]:
    return [(s.kind, s.name, s.change) for s in fs.symbols]  # type: ignore[attr-defined]


def test_methods_are_qualified_by_class_from_the_heading() -> None:
    filler = "".join(f"  def m{i}\n    run({i})\n  end\n\n" for i in range(10))
    old = (
        "class Admin\n"
        + filler
        + "  def render(a)\n    if a > 0\n      go(a)\n    end\n    done\n  end\nend\n"
    )
    new = old.replace(
        "    done\n  end\nend", "    done\n  end\n\n  def close\n    stop\n  end\nend"
    )
    full, hunks = scope_both("lib/admin.rb", old, new)
    assert _names(full) == [("method", "Admin.close", "added")]
    assert _names(hunks) == _names(full)


@pytest.mark.parametrize(
    ("source", "name", "public"),
    [
        ("class A\n  def f\n  end\nend\n", "A.f", True),
        ("class A\n  private\n\n  def f\n  end\nend\n", "A.f", False),
        ("class A\n  protected\n  def f\n  end\nend\n", "A.f", False),
        ("class A\n  private\n  def g\n  end\n  public\n  def f\n  end\nend\n", "A.f", True),
        ("class A\n  private def f\n  end\nend\n", "A.f", False),
        ("class A\n  def _f\n  end\nend\n", "A._f", False),
        ("class A\n  def self.f\n  end\nend\n", "A.f", True),
        ("module M\n  class A::B\n    def f\n    end\n  end\nend\n", "M.A.B.f", True),
    ],
)
def test_visibility(source: str, name: str, public: bool) -> None:
    full, _ = scope_both("lib/a.rb", source, None)
    assert {s.name: s.public for s in full.symbols}[name] is public


def test_broken_fragments_do_not_raise() -> None:
    path = "lib/x.rb"
    diff = (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        "@@ -10,6 +10,7 @@ class Broken < Struct.new(:a, :b,\n"
        "       end\n  end end end\n-    x = <<~EOS\n+    def (((\r\n+))) ]]] {{{ do |x|\n"
        "   =begin\n"
        "@@ -40,3 +41,3 @@ end\n-end\n+do\n   )\n"
        "@@ -90,2 +91,2 @@\n-" + "[" * 10000 + "\n+" + "(" * 10000 + "\n"
    )
    (fd,) = parse_diff(diff).files
    fs = scope_file(fd, None)
    # what is readable still gives the file's scope: its path, its lines and its hunks' sections;
    # the broken text itself yields no symbol and no signal
    assert (fs.path, fs.language, fs.mode) == ("lib/x.rb", "ruby", "hunks")
    assert (fs.additions, fs.deletions) == (fd.additions, fd.deletions) == (4, 3)
    assert [(s.kind, s.name, s.change) for s in fs.symbols] == [
        ("statement", "(module level)", "modified"),
    ]
    assert fs.signals == () and fs.change_kinds == ()
