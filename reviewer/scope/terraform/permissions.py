"""Changed lines that grant access (IAM, public members, open ingress) or read the workspace."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...models import ENVIRONMENT_DEFINITION, PERMISSION_WIDENING, Severity, Side, Signal
from ...record import record
from ...rx import lazy
from ..engine import FileContext, Segment, lines_in
from ..lex.hcl import Block, Scan
from ..lex.hcl_rows import JSON_KEY_RE, indent_of
from ..principals import PIN_RE, pinned_detail
from .definitions import Reading

_STRING_RE = lazy(r'"((?:[^"\\\n]|\\.)*)"')
_PAIR_RE = lazy(
    r'(?:"([A-Za-z_][\w:-]*)"|\b([A-Za-z_][\w-]*))[ \t]*[=:][ \t]*(\[[^\]]*\]?|"(?:[^"\\]|\\.)*")'
)
#: a grant of a JSON policy: `"Principal": "*"`, `"Action": ["s3:*"]`, `"AWS": "*"`
_JSON_GRANT_RE = lazy(
    r'"(Principal|AWS|Action|NotAction|Resource|NotResource)"\s*:\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\])',
    re.I,
)
_ACTION_KEYS = frozenset(["action", "actions", "notaction", "not_actions"])
_RESOURCE_KEYS = frozenset(["resource", "resources", "notresource", "not_resources"])
_PRINCIPAL_KEYS = frozenset(["principal", "principals", "aws", "identifiers"])
_GRANT_KEYS = _ACTION_KEYS | _RESOURCE_KEYS | _PRINCIPAL_KEYS
_MEMBER_KEYS = frozenset(["member", "members"])
_OPEN_CIDRS = frozenset(("0.0.0.0/0", "::/0"))
_ADMIN_RE = lazy(
    # the partition may be written out (`arn:aws:`) or read (`arn:${local.partition}:`)
    r"^arn:(?:aws[\w-]*|\$\{[^}]+\}):iam::aws:policy/(?:[\w-]+/)*"
    r"(AdministratorAccess|PowerUserAccess|IAMFullAccess|\w*FullAccess)$"
    r"|^roles/(owner|editor|iam\.securityAdmin|resourcemanager\.\w*Admin)$"
)
_AZURE_ADMIN = frozenset(("Owner", "Contributor", "User Access Administrator"))
_NOT_INBOUND = ("egress", "outbound", "destination", "route")
_INBOUND = ("ingress", "inbound", "source", "allow", "authorized", "whitelist", "allowlist")
_RULE_TYPES = ("security_group_rule", "firewall", "security_rule", "network_acl_rule")


@record(frozen=False)
class _Pair:
    owner: str | None
    rtype: str
    top: Block | None
    scan: Scan
    context: tuple[str, ...]  # path and key, lower case
    key: str  # lower case
    literals: list[str]
    line: int


def _row_pairs(sc: Scan, r: int, line: int, owners: dict[int, str]) -> Iterator[_Pair]:
    attr = sc.row_attr.get(r)
    top = attr.top if attr is not None else None
    owner = owners.get(id(top)) if top is not None else None
    rtype = (
        top.labels[0] if top is not None and top.labels and top.type in ("resource", "data") else ""
    )
    path = tuple(p.lower() for p in attr.path) if attr is not None else ()
    text = sc.code[r]
    if r in sc.heredoc_rows:
        key = sc.json_keys.get(r)
        if key is not None:
            m = JSON_KEY_RE.search(text)
            value = text[m.end() :] if m is not None and m.group(1) == key else text
            yield _Pair(
                owner,
                rtype,
                top,
                sc,
                (*path, key.lower()),
                key.lower(),
                _STRING_RE.findall(value),
                line,
            )
        return
    own = False
    for m in _PAIR_RE.finditer(text):
        key = (m.group(1) or m.group(2) or "").lower()
        own = own or m.start() <= len(text) - len(text.lstrip())
        yield _Pair(owner, rtype, top, sc, (*path, key), key, _STRING_RE.findall(m.group(3)), line)
    if attr is not None and attr.row != r and not own:
        lits = _STRING_RE.findall(text)
        if lits:
            key = attr.key.lower()
            yield _Pair(owner, rtype, top, sc, (*path, key), key, lits, line)
    if '\\"' in text:
        # a policy written as JSON inside a string (`default = "{\"Statement\":[...]}"`): its
        # statements grant as if written out
        for m in _JSON_GRANT_RE.finditer(text.replace('\\"', '"')):
            key = m.group(1).lower()
            lits = _STRING_RE.findall(m.group(2))
            yield _Pair(owner, rtype, top, sc, (*path, key), key, lits, line)


def _changed_rows(seg: Segment, sc: Scan, changed: list[int]) -> Iterator[tuple[int, int]]:
    """(row, line) of the changed lines that fall in this segment."""
    offset = seg.first_line - (1 if seg.heading else 0)
    first = seg.first_line
    last = offset + len(sc.rows) - 1
    for line in lines_in(changed, first, last):
        yield line - offset, line


def line_signals(
    ctx: FileContext, sides: dict[Side, Reading], owners: dict[Side, dict[int, str]]
) -> Iterator[Signal]:
    before: set[tuple[str | None, str, str]] = set()
    denies: dict[str | None, list[int]] = {}
    for seg, sc in sides["old"].scans:
        for r, line in _changed_rows(seg, sc, ctx.removed_sorted):
            if not _SUSPECT_RE.search(sc.code[r]):
                continue
            for p in _row_pairs(sc, r, line, owners["old"]):
                if p.key == "effect" and "Deny" in p.literals:
                    denies.setdefault(p.owner, []).append(line)
                elif _effect_at(sc, r) != "Deny":
                    before.update((p.owner, p.key, lit) for lit in p.literals)
            if "terraform.workspace" in sc.code[r]:
                yield Signal(
                    kind=ENVIRONMENT_DEFINITION,
                    code="tf.workspace",
                    detail="changes logic that depends on `terraform.workspace`",
                    line=line,
                    side="old",
                    symbol=_owner_of_row(sc, r, owners["old"]),
                    severity="medium",
                )
    added_denies: dict[str | None, int] = {}
    for seg, sc in sides["new"].scans:
        for r, line in _changed_rows(seg, sc, ctx.added_sorted):
            if "terraform.workspace" in sc.code[r]:
                yield Signal(
                    kind=ENVIRONMENT_DEFINITION,
                    code="tf.workspace",
                    detail="adds logic that depends on `terraform.workspace`",
                    line=line,
                    side="new",
                    symbol=_owner_of_row(sc, r, owners["new"]),
                    severity="medium",
                )
            if not _SUSPECT_RE.search(sc.code[r]):
                continue
            for p in _row_pairs(sc, r, line, owners["new"]):
                if p.key == "effect" and "Deny" in p.literals:
                    added_denies[p.owner] = added_denies.get(p.owner, 0) + 1
                    continue
                fresh = [lit for lit in p.literals if (p.owner, p.key, lit) not in before]
                # a wildcard in a Deny statement takes away, it does not grant
                if fresh and (p.key not in _GRANT_KEYS or _effect_at(sc, r) != "Deny"):
                    pin = _pinned_at(sc, r) if p.key in _PRINCIPAL_KEYS else None
                    yield from _pair_signals(p, fresh, pin)
    for owner, lines in denies.items():
        if len(lines) > added_denies.get(owner, 0):
            where = f"`{owner}`" if owner else "a policy"
            yield Signal(
                kind=PERMISSION_WIDENING,
                code="tf.iam_deny_removed",
                detail=f"removes a `Deny` statement from {where}",
                line=lines[0],
                side="old",
                symbol=owner,
                severity="high",
            )


#: what a row must contain for any line rule to apply to it (most rows contain none of it)
_SUSPECT_RE = lazy(
    r"\*|0\.0\.0\.0/0|::/0|allUsers|allAuthenticatedUsers|:policy/|roles/|Owner|Contributor"
    r"|User Access|Internet|Deny|terraform\.workspace"
)
_EFFECT_RE = lazy(r'(?:"[Ee]ffect"|\b[Ee]ffect)[ \t]*[=:][ \t]*"(Allow|Deny)"')
_EFFECT_REACH = 80


def _effect_at(sc: Scan, r: int) -> str:
    """The ``Effect`` of the policy statement around row ``r``, "" when the rows do not show it.

    A statement's keys share one indentation, nested parts sit deeper: walking away from the
    row, an effect counts while no shallower row has been passed since its level.
    """
    rows = sc.code
    m = _EFFECT_RE.search(rows[r])
    if m is not None:
        return m.group(1)
    start = indent_of(sc.rows[r])
    for step in (-1, 1):
        floor = start
        k = r + step
        while 0 <= k < len(rows) and abs(k - r) <= _EFFECT_REACH:
            text = rows[k]
            if text.strip():
                ind = indent_of(sc.rows[k])
                m = _EFFECT_RE.search(text)
                if m is not None and ind <= floor:
                    return m.group(1)
                floor = min(floor, ind)
                if floor == 0:
                    break
            k += step
    return ""


def _pinned_at(sc: Scan, r: int) -> str | None:
    """The condition key pinning the principal on row ``r`` to known callers, when its statement
    shows one: the rows around it, up to where the statement's own keys end (an HCL
    ``principals`` block's siblings, a JSON statement's keys and what they hold)."""
    rows = sc.code
    level = indent_of(sc.rows[r])
    # `identifiers = ["*"]` sits in a `principals` block: the statement's keys are one level up
    for k in range(r - 1, max(-1, r - 6), -1):
        if rows[k].strip() and indent_of(sc.rows[k]) < level:
            if "principal" in rows[k].lower():
                level = indent_of(sc.rows[k])
            break
    for step in (-1, 1):
        k = r + step
        while 0 <= k < len(rows) and abs(k - r) <= _EFFECT_REACH:
            text = rows[k]
            if text.strip():
                if indent_of(sc.rows[k]) < level:
                    break
                m = PIN_RE.search(text)
                if m is not None:
                    return m.group(0)
            k += step
    return None


def _owner_of_row(sc: Scan, r: int, owners: dict[int, str]) -> str | None:
    attr = sc.row_attr.get(r)
    if attr is not None and attr.top is not None:
        return owners.get(id(attr.top))
    for b in sc.blocks:
        if b.parent is None and b.start <= r <= b.end:
            return owners.get(id(b))
    return None


def _pair_signals(p: _Pair, lits: list[str], pin: str | None = None) -> Iterator[Signal]:
    where = f"`{p.owner}`" if p.owner else "a policy"
    k = p.key
    if k in _ACTION_KEYS and any(lit == "*" or lit.endswith(":*") for lit in lits):
        act = next(lit for lit in lits if lit == "*" or lit.endswith(":*"))
        yield Signal(
            kind=PERMISSION_WIDENING,
            code="tf.iam_wildcard",
            detail=f"grants wildcard actions `{act}` in {where}",
            line=p.line,
            side="new",
            symbol=p.owner,
            severity="high",
        )
    elif k in _RESOURCE_KEYS and "*" in lits:
        yield Signal(
            kind=PERMISSION_WIDENING,
            code="tf.iam_wildcard",
            detail=f"grants access to every resource (`*`) in {where}",
            line=p.line,
            side="new",
            symbol=p.owner,
            severity="high",
        )
    elif k in _PRINCIPAL_KEYS and "*" in lits:
        yield Signal(
            kind=PERMISSION_WIDENING,
            code="tf.iam_wildcard",
            detail=f"{pinned_detail(pin)} in {where}",
            line=p.line,
            side="new",
            symbol=p.owner,
            severity="low" if pin else "high",
        )
    elif k in _MEMBER_KEYS and any(lit in ("allUsers", "allAuthenticatedUsers") for lit in lits):
        yield Signal(
            kind=PERMISSION_WIDENING,
            code="tf.public_access",
            detail=f"grants access to everyone (`allUsers`) in {where}",
            line=p.line,
            side="new",
            symbol=p.owner,
            severity="high",
        )
    admin = next((lit for lit in lits if _ADMIN_RE.match(lit)), None)
    if admin is None and k == "role_definition_name":
        admin = next((lit for lit in lits if lit in _AZURE_ADMIN), None)
    if admin is not None:
        yield Signal(
            kind=PERMISSION_WIDENING,
            code="tf.admin_policy",
            detail=f"grants the administrative role `{admin}` in {where}",
            line=p.line,
            side="new",
            symbol=p.owner,
            severity="high",
        )
    if any(lit in _OPEN_CIDRS for lit in lits) or (
        k in ("source_address_prefix", "source_address_prefixes")
        and any(lit in ("*", "Internet") for lit in lits)
    ):
        sev = _ingress_severity(p)
        if sev is not None:
            yield Signal(
                kind=PERMISSION_WIDENING,
                code="tf.open_ingress",
                detail=f"opens {where} to inbound traffic from anywhere",
                line=p.line,
                side="new",
                symbol=p.owner,
                severity=sev,
            )


def _ingress_severity(p: _Pair) -> Severity | None:
    # the resource's own name counts too: rules are usually named for their direction
    words = (*p.context, p.rtype, (p.owner or "").rsplit(".", 1)[-1].lower())
    if any(n in w for w in words for n in _NOT_INBOUND):
        return None
    if any(n in w for w in words for n in _INBOUND):
        return "high"
    if not any(t in p.rtype for t in _RULE_TYPES) and "security_group" not in p.rtype:
        return None
    direction = _direction(p)
    if direction == "out":
        return None
    if direction == "in" or "firewall" in p.rtype:
        return "high"
    return "medium"


def _direction(p: _Pair) -> str | None:
    """What the rule's own arguments (visible in the hunk) say about its direction."""
    if p.top is None:
        return None
    for a in p.scan.attrs:
        if a.top is not p.top or a.path != () or a.key not in ("type", "direction", "egress"):
            continue
        v = a.value.lower()
        if "egress" in v or "outbound" in v or (a.key == "egress" and v == "true"):
            return "out"
        if "ingress" in v or "inbound" in v or (a.key == "egress" and v == "false"):
            return "in"
    return None
