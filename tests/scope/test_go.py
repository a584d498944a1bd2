from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.diff import parse_diff
from reviewer.scope import scope_file
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "go"


def _names(fs: object) -> list[tuple[str, str, str]]:
    return [(s.kind, s.name, s.change) for s in fs.symbols]  # type: ignore[attr-defined]


def test_methods_are_qualified_by_receiver_in_hunk_mode() -> None:
    filler = "".join(f"\tx{i} := {i}\n\t_ = x{i}\n" for i in range(10))
    old = (
        "package api\n\ntype Server struct{}\n\n"
        "func (s *Server) Start(port int) error {\n" + filler + "\treturn nil\n}\n"
    )
    new = old.replace("\treturn nil\n}", "\treturn s.listen(port)\n}")
    full, hunks = scope_both("api/server.go", old, new)
    assert _names(full) == [("method", "Server.Start", "modified")]
    assert _names(hunks) == _names(full)


def test_truncated_heading_still_names_the_method() -> None:
    # git cuts section headings at 80 characters, often inside the parameter list
    args = ", ".join(f"arg{i} int" for i in range(12))
    filler = "".join(f"\t_ = arg{i}\n" for i in range(8))
    old = f"package api\n\ntype T struct{{}}\n\nfunc (t *T) LongMethodName({args}) error {{\n{filler}\treturn nil\n}}\n"
    new = old.replace("\treturn nil\n}", "\treturn errNope\n}")
    _full, hunks = scope_both("api/t.go", old, new)
    assert _names(hunks) == [("method", "T.LongMethodName", "modified")]


@pytest.mark.parametrize(
    ("name", "public"),
    [("Start", True), ("start", False), ("δStart", False), ("ΔStart", True), ("_Start", False)],
)
def test_capitalised_names_are_public(name: str, public: bool) -> None:
    old = f"package api\n\nfunc {name}() {{\n}}\n"
    full, _ = scope_both("api/a.go", old, None)
    assert [s.public for s in full.symbols if s.kind == "function"] == [public]


def test_a_method_of_an_unexported_type_is_not_public() -> None:
    old = (
        "package resty\n\ntype releaser struct{}\n\nfunc (r *releaser) Close() error {\n"
        "\treturn nil\n}\n\ntype Client struct{}\n\nfunc (c *Client) Close() error {\n\treturn nil\n}\n"
    )
    for scope in scope_both("util.go", old, None):
        public = {s.name: s.public for s in scope.symbols if s.kind == "method"}
        assert public == {"releaser.Close": False, "Client.Close": True}, scope.mode


def test_package_main_exports_nothing() -> None:
    old = "package main\n\nfunc Run() {\n}\n\nfunc main() {\n\tRun()\n}\n"
    new = old.replace("func Run() {\n}\n\n", "")
    full, hunks = scope_both("cmd/app/main.go", old, new)
    assert [(s.name, s.change, s.public) for s in full.symbols] == [("Run", "deleted", False)]
    assert full.change_kinds == () and hunks.change_kinds == ()


def test_broken_fragments_do_not_raise() -> None:
    diff = (
        "diff --git a/x.go b/x.go\n--- a/x.go\n+++ b/x.go\n"
        "@@ -10,6 +10,7 @@ func (s *Server) Broken(a int, b map[string\n"
        ' \t\t}\n }}}\n-\tx := `raw\n+\tx := "\\"\n+))) ]]] {{{\r\n'
        "  \t})\n"
        '@@ -40,3 +41,3 @@ import (\n-\t"fmt\n+\t"fmt"\n \t}\n'
        "@@ -90,2 +91,2 @@\n-" + "{" * 10000 + "\n+" + "(" * 10000 + "\n"
    )
    (fd,) = parse_diff(diff).files
    fs = scope_file(fd, None)
    # what is readable still gives the file's scope: its path, its lines and its hunks' sections;
    # the broken text itself yields no symbol and no signal
    assert (fs.path, fs.language, fs.mode) == ("x.go", "go", "hunks")
    assert (fs.additions, fs.deletions) == (fd.additions, fd.deletions) == (4, 3)
    assert [(s.kind, s.name, s.change) for s in fs.symbols] == [
        ("import", '"fmt"', "added"),
        ("statement", "(module level)", "modified"),
    ]
    assert fs.signals == () and fs.change_kinds == ()


def test_a_package_under_internal_is_no_interface_of_the_module() -> None:
    from tests.helpers import scope_both

    old = "package server\n\nfunc Start(addr string) error {\n\treturn nil\n}\n"
    new = old.replace("Start(addr string)", "Start(addr string, tls bool)")
    for path, public in (("internal/server/server.go", False), ("pkg/server/server.go", True)):
        for fs in scope_both(path, old, new):
            assert ("code.public_signature" in {s.code for s in fs.signals}) is public, path
