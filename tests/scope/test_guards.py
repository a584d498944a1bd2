"""A guard weakened in place (reviewer/scope/guards.py)."""

from __future__ import annotations

from tests.helpers import scope_both

GO = (
    "package middleware\n\nfunc BasicAuth(creds map[string]string) {\n"
    "\tcredPass, credUserOk := creds[user]\n"
    "\tif !credUserOk || subtle.ConstantTimeCompare([]byte(pass), []byte(credPass)) != 1 {\n"
    "\t\tbasicAuthFailed(w, realm)\n\t\treturn\n\t}\n}\n"
)
PY = (
    "def get(path, root):\n    resolved = (root / path).resolve()\n"
    "    if not resolved.exists():\n        return None\n"
    "    elif resolved.is_file() and root in resolved.parents:\n        return resolved.read_text()\n"
)


def _weakened(path: str, old: str, new: str) -> list[set[str]]:
    return [
        {s.severity for s in fs.signals if s.code == "code.guard_weakened"}
        for fs in scope_both(path, old, new)
    ]


def test_an_operator_turned_in_an_access_check_refuses_less() -> None:
    assert _weakened("middleware/basic_auth.go", GO, GO.replace("||", "&&")) == [{"high"}] * 2
    # the same edit in code that is about nothing of the kind is left alone
    plain = GO.replace("basicAuthFailed", "retry").replace("ConstantTimeCompare", "Equal")
    plain = (
        plain.replace("credUserOk", "cached")
        .replace("credPass", "value")
        .replace("BasicAuth", "Lookup")
    )
    plain = plain.replace("creds", "table")
    assert _weakened("internal/cache.go", plain, plain.replace("||", "&&")) == [set()] * 2


def test_a_security_check_dropped_from_a_chain_lets_more_through() -> None:
    new = PY.replace(" and root in resolved.parents", "")
    assert _weakened("settings/sources/secrets.py", PY, new) == [{"high"}] * 2
    # a check that says nothing about safety may go
    size = PY.replace("root in resolved.parents", "resolved.stat().st_size > 0")
    assert _weakened("settings/sources/secrets.py", size, new) == [set()] * 2


JS = (
    "function redirect(request, locationURL, headers) {\n"
    "\tif (!isDomainOrSubdomain(request.url, locationURL)) {\n"
    "\t\theaders.delete('authorization');\n\t}\n}\n"
)


def test_a_condition_made_constant_disables_its_branch() -> None:
    never = JS.replace("if (!isDomain", "if (false && !isDomain")
    assert _weakened("src/index.js", JS, never) == [{"high"}] * 2
    always = PY.replace("elif resolved.is_file() and", "elif True or resolved.is_file() and")
    assert _weakened("app/files.py", PY, always) == [{"high"}] * 2
    literal = PY.replace("if not resolved.exists():", "if False:")
    assert _weakened("app/files.py", PY, literal) == [{"high"}] * 2
    # a condition that changes what it checks is not made constant
    other = JS.replace("request.url, locationURL", "request.url, location")
    assert _weakened("src/index.js", JS, other) == [set()] * 2
