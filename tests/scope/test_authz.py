"""An authorization check made to say yes to everyone (reviewer/scope/authz.py)."""

from __future__ import annotations

from tests.helpers import scope_both

PY = (
    "class ExportMixin:\n"
    "    def has_export_permission(self, request):\n"
    "        permission_code = getattr(settings, 'EXPORT_PERMISSION_CODE', None)\n"
    "        if permission_code is None:\n"
    "            return True\n"
    "        return request.user.has_perm(permission_code)\n"
)


def _codes(path: str, old: str, new: str, context: int = 3) -> list[set[str]]:
    return [
        {s.code for s in fs.signals if s.code == "code.authz_always_true"}
        for fs in scope_both(path, old, new, context=context)
    ]


def test_a_permission_check_whose_condition_goes_says_yes_to_everyone() -> None:
    new = PY.replace(
        "        if permission_code is None:\n            return True\n", "        return True\n"
    )
    assert _codes("app/admin.py", PY, new) == [{"code.authz_always_true"}] * 2
    # the hunk may show neither the def nor its name: the removed condition says what it was
    assert _codes("app/admin.py", PY, new, context=0) == [{"code.authz_always_true"}] * 2


def test_the_same_in_a_typescript_method() -> None:
    old = (
        "export class Policy {\n  canEdit(user: User): boolean {\n"
        "    if (user.isOwner) {\n      return true;\n    }\n    return false;\n  }\n}\n"
    )
    new = old.replace("    if (user.isOwner) {\n      return true;\n    }\n", "    return true;\n")
    assert _codes("src/policy.ts", old, new) == [{"code.authz_always_true"}] * 2


def test_what_is_no_permission_question_or_keeps_its_condition_is_left_alone() -> None:
    ready = PY.replace("has_export_permission", "is_ready").replace(
        "if permission_code is None", "if x"
    )
    new = ready.replace("        if x:\n            return True\n", "        return True\n")
    assert _codes("app/admin.py", ready, new) == [set(), set()]
    # a return still under its condition, and tests, are no widening
    kept = PY.replace(
        "            return True\n", "            log('no code')\n            return True\n"
    )
    assert _codes("app/admin.py", PY, kept) == [set(), set()]
    gone = PY.replace(
        "        if permission_code is None:\n            return True\n", "        return True\n"
    )
    assert _codes("tests/test_admin.py", PY, gone) == [set(), set()]


def test_an_answer_replaced_by_yes_says_yes_to_everyone() -> None:
    old = (
        "class IsAuthenticated(BasePermission):\n"
        "    def has_permission(self, request, view):\n"
        "        return bool(request.user and request.user.is_authenticated)\n"
    )
    new = old.replace("return bool(request.user and request.user.is_authenticated)", "return True")
    assert _codes("rest_framework/permissions.py", old, new) == [{"code.authz_always_true"}] * 2
    # a function that asks nothing about permission may well answer yes
    plain = old.replace("has_permission", "is_ready").replace(
        "request.user.is_authenticated", "x.done"
    )
    assert (
        _codes(
            "app/state.py",
            plain,
            plain.replace("return bool(request.user and x.done)", "return True"),
        )
        == [set()] * 2
    )
