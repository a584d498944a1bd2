"""CloudFormation and SAM templates (YAML or JSON): logical resources, deletions, replacements, protections, IAM."""

from __future__ import annotations

from ..models import (
    GLOBAL_CONFIG,
    PERMISSION_WIDENING,
    PROTECTION_TOGGLE,
    PUBLIC_API,
    REPLACEMENT,
    RESOURCE_DELETION,
    Severity,
    Signal,
)
from ..rx import lazy
from .engine import Definition, FileContext, Partial
from .forcing import CLOUDFORMATION
from .lex.yaml_outline import GAP, Node, Outline, flow_items
from .yaml_view import (
    Change,
    SideView,
    changes,
    cosmetic,
    count_by,
    dedupe,
    file_symbol,
    fresh,
    section_headers,
    symbol_changes,
)

_TYPE_RE = lazy(r"^(AWS|Alexa|Custom)::[\w:]+$|^Custom::")
#: deleting one of these destroys state or something other stacks and services share
_STATEFUL_RE = lazy(
    r"^AWS::(EC2::(VPC|Subnet|RouteTable|Route|NatGateway|InternetGateway|VPCGatewayAttachment|SecurityGroup"
    r"|TransitGateway\w*|VPNGateway|VPNConnection|CustomerGateway|VPCPeeringConnection|VPCEndpoint|NetworkAcl"
    r"|EIP|Instance|Volume|DHCPOptions|SubnetRouteTableAssociation|VPCCidrBlock|NetworkInterface|KeyPair)$"
    r"|RDS::|DynamoDB::|S3::|EFS::|FSx::|ElastiCache::|MemoryDB::|Redshift\w*::|DocDB\w*::|Neptune\w*::|EKS::"
    r"|ECS::(Cluster|Service)$|IAM::|KMS::|SQS::|SNS::Topic$|Kinesis\w*::|MSK::|OpenSearchService::"
    r"|Elasticsearch::|Route53\w*::|ElasticLoadBalancing\w*::|CloudFront::|Cognito::|SecretsManager::"
    r"|Logs::LogGroup$|Backup::|AutoScaling::AutoScalingGroup$|ApiGateway\w*::(RestApi|Api|DomainName|Stage)$"
    r"|CertificateManager::|ECR::|StepFunctions::|Glue::(Database|Table)$|Lambda::Function$|Serverless::"
    r"|Events::EventBus$|AppSync::GraphQLApi$|Batch::ComputeEnvironment$|QLDB::|Timestream::|Cassandra::"
    r"|DAX::|CodeCommit::|CodeArtifact::)"
)
_PROTECTIVE = frozenset({"retain", "snapshot", "retainexceptoncreate"})
_POLICY_KEYS = ("DeletionPolicy", "UpdateReplacePolicy")

_ADMIN_POLICY_RE = lazy(r":policy/(AdministratorAccess|PowerUserAccess|IAMFullAccess)\b")
_OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
_PUBLIC_BLOCK_KEYS = frozenset(
    {"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"}
)
_SECTIONS = {
    "Parameters": "parameter",
    "Outputs": "output",
    "Conditions": "condition",
    "Mappings": "mapping",
    "Rules": "rule",
}


def _type_of(ol: Outline, idx: int) -> str:
    t = ol.child(idx, "Type")
    return t.scalar if t is not None else ""


def _is_resource(ol: Outline, idx: int, n: Node) -> bool:
    if n.key == "-" or n.virtual:
        return False
    if n.path == ("Resources",):
        return True
    return (
        bool(n.path)
        and n.path[-1] in (GAP, "Resources")
        and bool(_TYPE_RE.match(_type_of(ol, idx)))
    )


def _definitions(view: SideView, types: dict[str, str]) -> list[Definition]:
    out: list[Definition] = []
    for ol, i, n in view.nodes():
        if n.key == "-":
            continue
        end = max(n.end, n.line)
        if _is_resource(ol, i, n):
            t = _type_of(ol, i)
            if t:
                types[n.key] = t
            out.append(Definition("resource", n.key, n.start, end, n.line))
        elif not n.exact:
            continue
        elif n.path == () and n.key not in ("Resources", *_SECTIONS):
            out.append(Definition("key", n.key, n.start, end, n.line, virtual=n.virtual))
        elif len(n.path) == 1 and n.path[0] in _SECTIONS:
            out.append(
                Definition(_SECTIONS[n.path[0]], n.key, n.start, end, n.line, virtual=n.virtual)
            )
    return out


def _resource_and_property(ch: Change, json: bool, unit: int) -> tuple[str | None, str | None]:
    """(logical id, top-level property) of a changed line, when the path shows them."""
    node = ch.node
    if node is None:
        return None, None
    full = node.fullpath
    if "Properties" in full:
        i = full.index("Properties")
        res = full[i - 1] if i > 0 and full[i - 1] not in (GAP, "-") else None
        prop = full[i + 1] if i + 1 < len(full) and full[i + 1] != "-" else None
        return res, prop
    if len(full) >= 2 and full[0] == "Resources" and full[1] not in (GAP, "-"):
        return full[1], None
    # a hunk under the ``Resources:`` heading that starts inside a resource's properties
    base = unit if json else 0
    if (
        not ch.is_text
        and full[:2] == ("Resources", GAP)
        and len(full) == 3
        and node.col == base + 3 * unit
    ):
        return None, node.key
    return None, None


def analyze_views(ctx: FileContext, old: SideView, new: SideView) -> Partial:
    part = Partial(language="cloudformation")
    old_types: dict[str, str] = {}
    new_types: dict[str, str] = {}
    results, old_out, new_out = symbol_changes(
        ctx, _definitions(old, old_types), _definitions(new, new_types)
    )
    symbols = [sym for sym, _o, _n in results]
    part.symbols.extend(symbols)
    # a section's own header line (``Resources:``) is a container, not a change of its own
    old_heads = section_headers(old, ("Resources", *_SECTIONS))
    new_heads = section_headers(new, ("Resources", *_SECTIONS))
    stray = file_symbol(
        ctx,
        [*(n for n in new_out if n not in new_heads), *(n for n in old_out if n not in old_heads)],
    )
    if stray is not None:
        part.symbols.append(stray)
    part.cosmetic = cosmetic(ctx)

    whole = {s.name for s in symbols if s.kind == "resource" and s.change in ("added", "deleted")}
    for sym in symbols:
        if sym.kind == "resource" and sym.change == "deleted":
            t = old_types.get(sym.name, "")
            sev: Severity = "high" if not t or _STATEFUL_RE.match(t) else "medium"
            shown = f" ({t})" if t else ""
            part.signals.append(
                Signal(
                    kind=RESOURCE_DELETION,
                    code="cfn.resource_deleted",
                    detail=f"deletes CloudFormation resource `{sym.name}`{shown}",
                    line=sym.line,
                    side="old",
                    symbol=sym.name,
                    severity=sev,
                )
            )
        elif sym.kind == "output" and sym.change == "deleted" and _exported(old, sym.name):
            part.signals.append(
                Signal(
                    kind=PUBLIC_API,
                    code="cfn.export_removed",
                    detail=f"removes exported output `{sym.name}` (stacks importing it break)",
                    line=sym.line,
                    side="old",
                    symbol=sym.name,
                    severity="medium",
                )
            )
        elif sym.kind == "key" and sym.name == "Globals" and sym.change != "added":
            part.signals.append(
                Signal(
                    kind=GLOBAL_CONFIG,
                    code="cfn.globals",
                    detail="changes SAM `Globals` (every function and API inherits them)",
                    line=sym.line,
                    side="new",
                    symbol=sym.name,
                    severity="medium",
                )
            )

    removed, added = changes(ctx, old), changes(ctx, new)
    # what a deleted resource loses with it is that deletion, not a weakened live resource
    removed = [ch for ch in removed if _owner(ch) not in whole]
    json = ctx.language == "json"
    signals: list[Signal] = []
    signals.extend(_policies(removed, added, whole))
    signals.extend(_protections(removed, fresh(added, removed)))
    if ctx.status not in ("added", "deleted"):
        signals.extend(_replacements(removed, old_types, whole, json))
        signals.extend(_replacements(added, new_types, whole, json))
    signals.extend(_widening(removed, fresh(added, removed), new_types, json))
    part.signals.extend(dedupe(signals))
    return part


def _exported(view: SideView, name: str) -> bool:
    for ol, i, n in view.nodes():
        if n.path == ("Outputs",) and n.key == name:
            return ol.child(i, "Export") is not None
    return False


def _sig(kind: str, code: str, detail: str, ch: Change, res: str | None, sev: Severity) -> Signal:
    return Signal(
        kind=kind, code=code, detail=detail, line=ch.line, side=ch.side, symbol=res, severity=sev
    )


def _owner(ch: Change) -> str | None:
    node = ch.node
    if node is None:
        return None
    full = node.fullpath
    if len(full) >= 2 and full[0] == "Resources" and full[1] not in (GAP, "-"):
        return full[1]
    return None


def _policies(removed: list[Change], added: list[Change], whole: set[str]) -> list[Signal]:
    """DeletionPolicy / UpdateReplacePolicy moving away from Retain or Snapshot."""

    def protective(chs: list[Change]) -> list[tuple[str, Change]]:
        return [
            (f"{_owner(ch)}:{ch.key}", ch)
            for ch in chs
            if ch.key in _POLICY_KEYS and ch.value.lower() in _PROTECTIVE
        ]

    out: list[Signal] = []
    reported: set[str] = set()
    kept = count_by(tag for tag, _ in protective(added))
    for tag, ch in protective(removed):
        res = _owner(ch)
        if res is not None and res in whole:
            continue
        if kept.get(tag, 0) > 0:
            kept[tag] -= 1
            continue
        where = f" of `{res}`" if res else ""
        reported.add(tag)
        out.append(
            _sig(
                PROTECTION_TOGGLE,
                "cfn.deletion_policy",
                f"drops `{ch.key}: {ch.value}`{where}: deleting or replacing it now destroys its data",
                ch,
                res,
                "high",
            )
        )
    for ch in added:
        res = _owner(ch)
        if (
            ch.key not in _POLICY_KEYS
            or ch.value.lower() != "delete"
            or f"{res}:{ch.key}" in reported
        ):
            continue
        if res is None or res not in whole:
            out.append(
                _sig(
                    PROTECTION_TOGGLE,
                    "cfn.deletion_policy",
                    f"sets `{ch.key}: Delete`" + (f" on `{res}`" if res else ""),
                    ch,
                    res,
                    "high",
                )
            )
    return out


def _protections(removed: list[Change], added: list[Change]) -> list[Signal]:
    out: list[Signal] = []
    for ch in added:
        key, value = ch.key, ch.value.lower()
        res = _owner(ch)
        if (
            key
            in ("DeletionProtection", "DeletionProtectionEnabled", "EnableTerminationProtection")
            and value == "false"
        ):
            out.append(
                _sig(
                    PROTECTION_TOGGLE,
                    "cfn.deletion_protection",
                    f"turns off `{key}`",
                    ch,
                    res,
                    "high",
                )
            )
        elif key == "BackupRetentionPeriod" and value == "0":
            out.append(
                _sig(
                    PROTECTION_TOGGLE,
                    "cfn.backups_disabled",
                    "sets `BackupRetentionPeriod: 0`",
                    ch,
                    res,
                    "high",
                )
            )
        elif key == "PointInTimeRecoveryEnabled" and value == "false":
            out.append(
                _sig(
                    PROTECTION_TOGGLE,
                    "cfn.backups_disabled",
                    "turns off point-in-time recovery",
                    ch,
                    res,
                    "medium",
                )
            )
        elif (
            key == "Status"
            and value == "suspended"
            and ch.path[-2:-1] == ("VersioningConfiguration",)
        ):
            out.append(
                _sig(
                    PROTECTION_TOGGLE,
                    "cfn.versioning_suspended",
                    "suspends bucket versioning",
                    ch,
                    res,
                    "medium",
                )
            )
    kept = sum(
        1
        for ch in added
        if ch.key in ("DeletionProtection", "DeletionProtectionEnabled")
        and ch.value.lower() == "true"
    )
    gone = [
        ch
        for ch in removed
        if ch.key in ("DeletionProtection", "DeletionProtectionEnabled")
        and ch.value.lower() == "true"
    ]
    if len(gone) > kept:
        ch = gone[0]
        out.append(
            _sig(
                PROTECTION_TOGGLE,
                "cfn.deletion_protection",
                f"removes `{ch.key}: true`",
                ch,
                _owner(ch),
                "high",
            )
        )
    return out


def _replacements(
    chs: list[Change], types: dict[str, str], whole: set[str], json: bool
) -> list[Signal]:
    out: list[Signal] = []
    for ch in chs:
        if ch.node is None or (ch.is_text and ch.node.key == "-"):
            continue
        unit = ch.outline.unit if ch.outline is not None else 2
        res, prop = _resource_and_property(ch, json, unit)
        if res is not None and res in whole:
            continue
        t = types.get(res, "") if res else ""
        if prop is None:
            if res is not None and ch.key == "Type" and ch.node.path == ("Resources", res):
                out.append(
                    _sig(
                        REPLACEMENT,
                        "cfn.replacement",
                        f"changes the type of `{res}`",
                        ch,
                        res,
                        "high",
                    )
                )
            continue
        if prop in CLOUDFORMATION.attributes(t):
            where = f" of `{res}`" + (f" ({t})" if t else "") if res else ""
            out.append(
                _sig(
                    REPLACEMENT,
                    "cfn.replacement",
                    f"changes `{prop}`{where}: CloudFormation replaces the resource",
                    ch,
                    res,
                    "high",
                )
            )
    return out


def _values(node: Node) -> list[str]:
    return flow_items(node.value) if node.value.startswith("[") else [node.scalar]


def _widening(
    removed: list[Change], added: list[Change], types: dict[str, str], json: bool
) -> list[Signal]:
    out: list[Signal] = []
    for ch in added:
        node = ch.node
        if ch.is_text or node is None:
            continue
        res = _owner(ch)
        key = node.key
        parent = node.path[-1] if node.path else ""
        # list items carry the values of the key above them
        if key == "-":
            key, parent = parent, node.path[-2] if len(node.path) > 1 else ""
        vals = _values(node)
        if key in ("Action", "NotAction") and any(v == "*" or v.endswith(":*") for v in vals):
            wild = next(v for v in vals if v == "*" or v.endswith(":*"))
            out.append(
                _sig(
                    PERMISSION_WIDENING,
                    "cfn.iam_wildcard",
                    f"allows IAM action `{wild}`",
                    ch,
                    res,
                    "high",
                )
            )
        elif (
            key in ("Principal", "AWS")
            and "*" in vals
            and (key == "Principal" or parent == "Principal")
        ):
            out.append(
                _sig(
                    PERMISSION_WIDENING,
                    "cfn.iam_wildcard",
                    "allows any principal (`*`)",
                    ch,
                    res,
                    "high",
                )
            )
        elif key in ("Resource", "NotResource") and "*" in vals:
            out.append(
                _sig(
                    PERMISSION_WIDENING,
                    "cfn.iam_wildcard_resource",
                    "grants on every resource (`*`)",
                    ch,
                    res,
                    "medium",
                )
            )
        elif any(_ADMIN_POLICY_RE.search(v) for v in vals):
            out.append(
                _sig(
                    PERMISSION_WIDENING,
                    "cfn.admin_policy",
                    "attaches an administrator managed policy",
                    ch,
                    res,
                    "high",
                )
            )
        elif key in ("CidrIp", "CidrIpv6") and any(v in _OPEN_CIDRS for v in vals):
            egress = "SecurityGroupEgress" in node.path or (res and "Egress" in types.get(res, ""))
            if not egress:
                out.append(
                    _sig(
                        PERMISSION_WIDENING,
                        "cfn.open_ingress",
                        f"opens ingress to the internet (`{key}: {vals[0]}`)",
                        ch,
                        res,
                        "high",
                    )
                )
        elif key in _PUBLIC_BLOCK_KEYS and any(v.lower() == "false" for v in vals):
            out.append(
                _sig(
                    PERMISSION_WIDENING,
                    "cfn.public_access",
                    f"turns off S3 `{key}`",
                    ch,
                    res,
                    "high",
                )
            )
        elif key == "AccessControl" and any(v.lower().startswith("public") for v in vals):
            out.append(
                _sig(
                    PERMISSION_WIDENING,
                    "cfn.public_access",
                    f"makes a bucket `{vals[0]}`",
                    ch,
                    res,
                    "high",
                )
            )
    denies_back = sum(1 for ch in added if ch.key == "Effect" and ch.value == "Deny")
    denies_gone = [ch for ch in removed if ch.key == "Effect" and ch.value == "Deny"]
    if len(denies_gone) > denies_back:
        ch = denies_gone[0]
        out.append(
            _sig(
                PERMISSION_WIDENING,
                "cfn.deny_removed",
                "removes a `Deny` statement",
                ch,
                _owner(ch),
                "high",
            )
        )
    blocks_back = sum(1 for ch in added if ch.key == "PublicAccessBlockConfiguration")
    blocks_gone = [ch for ch in removed if ch.key == "PublicAccessBlockConfiguration"]
    if len(blocks_gone) > blocks_back:
        ch = blocks_gone[0]
        out.append(
            _sig(
                PERMISSION_WIDENING,
                "cfn.public_access",
                "removes a bucket's public access block",
                ch,
                _owner(ch),
                "high",
            )
        )
    return out
