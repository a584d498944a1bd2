from __future__ import annotations

from pathlib import Path

from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "python"


def test_method_is_qualified_by_class_from_hunk_heading() -> None:
    # the class header is far above the hunk: hunk mode must still name Admin.render
    filler = "".join(f"    def m{i}(self):\n        return {i}\n\n" for i in range(20))
    old = "class Admin:\n" + filler + "    def render(self):\n        return 'old'\n"
    new = old.replace("return 'old'", "return 'new'")
    full, hunks = scope_both("admin.py", old, new)
    assert [(s.kind, s.name, s.change) for s in full.symbols] == [
        ("method", "Admin.render", "modified")
    ]
    assert [(s.kind, s.name, s.change) for s in hunks.symbols] == [
        ("method", "Admin.render", "modified")
    ]


def test_private_names_are_not_public_api() -> None:
    old = "def _helper(a):\n    return a\n\n\ndef api(a):\n    return a\n"
    new = "def _helper(a, b):\n    return a\n\n\ndef api(a):\n    return a\n"
    full, _ = scope_both("lib/mod.py", old, new)
    assert [(s.name, s.change, s.public) for s in full.symbols] == [("_helper", "signature", False)]
    assert full.change_kinds == ()


def test_deleting_a_test_is_not_public_api() -> None:
    old = "def test_a():\n    assert 1\n\n\ndef test_b():\n    assert 2\n"
    new = "def test_a():\n    assert 1\n"
    full, hunks = scope_both("tests/test_mod.py", old, new)
    assert [(s.name, s.change) for s in full.symbols] == [("test_b", "deleted")]
    assert full.change_kinds == () and hunks.change_kinds == ()


def test_a_def_nested_in_a_method_outside_the_hunk_is_local_not_api() -> None:
    # the hunk shows the class in its header and a function two levels below it: the method
    # that holds it lies outside the hunk, so the function is local
    from reviewer.diff import parse_diff
    from reviewer.scope import build_scope

    text = (
        "diff --git a/app/base.py b/app/base.py\n--- a/app/base.py\n+++ b/app/base.py\n"
        "@@ -159,4 +159,4 @@ class Middleware:\n"
        "             assert message\n"
        "-            async def body_stream() -> Gen:\n"
        "+            async def body_stream() -> BodyGen:\n"
        "                 async for message in recv:\n"
        "                     yield message\n"
        "@@ -300,3 +300,3 @@ class Middleware:\n"
        "-    def dispatch(self, request):\n"
        "+    def dispatch(self, request, call_next):\n"
        "         return request\n"
    )
    (fs,) = build_scope(parse_diff(text)).files
    by_name = {s.name.rsplit(".", 1)[-1]: s for s in fs.symbols}
    assert not by_name["body_stream"].public
    assert by_name["dispatch"].public and by_name["dispatch"].kind == "method"


def test_a_module_variable_given_another_value_keeps_its_signature() -> None:
    from reviewer.diff import parse_diff
    from reviewer.scope import build_scope
    from tests.helpers import git_diff

    old = "engine = create_engine(str(settings.SQLALCHEMY_DATABASE_URI))\n"
    new = "engine = create_engine(str(settings.DATABASE_URL))\n"
    (fs,) = build_scope(parse_diff(git_diff("app/db.py", old, new))).files
    assert not [s for s in fs.signals if s.code == "code.public_signature"]
    typed = build_scope(parse_diff(git_diff("app/db.py", "limit: int = 3\n", "limit: str = '3'\n")))
    assert [s.code for s in typed.files[0].signals if s.code == "code.public_signature"]


def test_annotations_alone_change_nothing_a_caller_runs_into() -> None:
    from tests.helpers import scope_both

    old = (
        "class Adapter:\n    def is_verified(self, request, email):\n        return True\n\n\n"
        "def lookup(key, default=None, *args, **kwargs):\n    return default\n"
    )
    typed = (
        "class Adapter:\n    def is_verified(self, request: HttpRequest, email: str) -> bool:\n"
        "        return True\n\n\n"
        "def lookup(key: str, default: dict[str, int] | None = None, *args: t.Any, **kwargs: t.Any)"
        " -> None:\n    return default\n"
    )
    for fs in scope_both("src/app/adapter.py", old, typed):
        assert "code.public_signature" not in {s.code for s in fs.signals}
    # a parameter added, or a default changed, is what callers do run into
    extra = typed.replace("email: str)", "email: str, strict: bool)")
    for fs in scope_both("src/app/adapter.py", old, extra):
        assert {s.symbol for s in fs.signals if s.code == "code.public_signature"} == {
            "Adapter.is_verified"
        }
    default = typed.replace("| None = None", "| None = {}")
    for fs in scope_both("src/app/adapter.py", old, default):
        assert {s.symbol for s in fs.signals if s.code == "code.public_signature"} == {"lookup"}


def test_a_module_of_an_internal_package_is_no_public_interface() -> None:
    from tests.helpers import scope_both

    old = "def verify(request, code):\n    return True\n"
    new = "def verify(request, code, *, strict):\n    return True\n"
    for path in ("allauth/account/internal/flows/code.py", "pip/_internal/req/constructors.py"):
        for fs in scope_both(path, old, new):
            assert "code.public_signature" not in {s.code for s in fs.signals}, path
    for fs in scope_both("allauth/account/flows.py", old, new):
        assert "code.public_signature" in {s.code for s in fs.signals}
