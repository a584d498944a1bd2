"""Guards against destruction (deletion protection, final snapshots, versioning) and public access."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import PERMISSION_WIDENING, PROTECTION_TOGGLE, Signal
from ...rx import lazy
from .groups import Group, bool_value, group_signal

#: argument -> (value that protects, default when the argument is absent)
_GUARDS: dict[str, tuple[bool, bool]] = {
    "deletion_protection": (True, False),
    "deletion_protection_enabled": (True, False),
    "enable_deletion_protection": (True, False),
    "termination_protection": (True, False),
    "enable_termination_protection": (True, False),
    "disable_api_termination": (True, False),
    "purge_protection_enabled": (True, False),
    "prevent_destroy": (True, False),
    "prevent_deletion_if_contains_resources": (True, True),
    "skip_final_snapshot": (False, False),
    "force_destroy": (False, False),
    "force_delete": (False, False),
}


def guard_of_variable(owner: str | None) -> bool | None:
    """The protecting value of a variable named after a guard (``var.force_destroy``)."""
    name = (owner or "").rsplit(".", 1)[-1]
    for key, (protect, _default) in _GUARDS.items():
        if name == key or name.endswith("_" + key) or name.startswith(key + "_"):
            return protect
    return None


#: boolean arguments that turn a security control on: encryption, key rotation, audit logging,
#: log integrity, MFA, TLS (one written `true` that the change writes `false` turns it off)
_SECURITY_SWITCH = lazy(
    r"(?:^|_)(?:encrypt(?:ed|ion)?|storage_encrypted|key_rotation|log_file_validation|logging|"
    r"audit|mfa|require_tls|tls|ssl|https_only|enforce_https|sse|server_side_encryption)"
    r"(?:_enabled)?$"
)
_HTTPS_ONLY = lazy(r"https-only|redirect-to-https")
#: words that turn a switch's meaning round (`insecure_ssl`, `skip_tls`): not a control being on
_INVERTED = lazy(r"insecure|skip|disable|allow|bypass")

_GUARD_CODES = {
    "skip_final_snapshot": "tf.skip_final_snapshot",
    "force_destroy": "tf.force_destroy",
    "force_delete": "tf.force_destroy",
    "prevent_destroy": "tf.prevent_destroy",
}
_PUBLIC_BLOCKS = frozenset(
    ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]
)
_PUBLIC_ACLS = frozenset(
    [
        '"public-read"',
        '"public-read-write"',
        '"authenticated-read"',
        '"publicread"',
        '"publicreadwrite"',
    ]
)


def protection_signals(g: Group) -> Iterator[Signal]:
    k = g.key
    guard = _GUARDS.get(k)
    if guard is not None and (k != "prevent_destroy" or g.path[-1:] == ("lifecycle",)):
        protect, default = guard
        if g.rtype.startswith("google_") and k == "deletion_protection":
            default = True
        # an argument absent from one side's changed lines is absent from that side altogether
        old_eff = bool_value(g.old_value) if g.old else default
        new_eff = bool_value(g.new_value) if g.new else default
        code = _GUARD_CODES.get(k, "tf.deletion_protection")
        if new_eff is not None and new_eff != protect and old_eff != new_eff:
            verb = f"sets `{k} = {g.new_value}`" if g.new else f"removes `{k}`"
            yield group_signal(
                PROTECTION_TOGGLE,
                code,
                f"{verb} on {g.where}: it can now be destroyed without a guard",
                g,
                "high",
            )
        elif new_eff is None and old_eff == protect:
            yield group_signal(
                PROTECTION_TOGGLE,
                code,
                f"makes `{k}` on {g.where} configurable instead of fixed",
                g,
                "medium",
            )
        return
    if (
        _SECURITY_SWITCH.search(k)
        and not _INVERTED.search(k)
        and bool_value(g.old_value) is True
        and g.new
    ):
        if bool_value(g.new_value) is False:
            # `enable_log_file_validation = false`, `enable_key_rotation = false`: the control was
            # on, written out, and the change writes it off
            yield group_signal(
                PROTECTION_TOGGLE,
                "tf.security_control_off",
                f"sets `{k} = {g.new_value}` on {g.where}: a security control it had on is off",
                g,
                "high",
            )
        return
    if (
        k == "default"
        and g.kind == "variable"
        and g.owner
        and _SECURITY_SWITCH.search(g.owner.removeprefix("var."))
        and not _INVERTED.search(g.owner)
        and bool_value(g.old_value) is True
        and bool_value(g.new_value) is False
    ):
        # `variable "enable_key_rotation" { default = true }` -> `false`: every caller that does
        # not set it gets the control off
        yield group_signal(
            PROTECTION_TOGGLE,
            "tf.security_control_off",
            f"turns the default of `{g.owner}` off: every caller that does not set it loses the "
            "security control",
            g,
            "high",
        )
        return
    if (
        k.endswith("protocol_policy")
        and g.old
        and g.new
        and _HTTPS_ONLY.search(g.old_value or "")
        and "allow-all" in (g.new_value or "")
    ):
        # CloudFront's `viewer_protocol_policy`, as a value or as an `optional()` default
        yield group_signal(
            PROTECTION_TOGGLE,
            "tf.security_control_off",
            f"lets `{k}` on {g.where} serve plain HTTP (`allow-all`): HTTPS is no longer enforced",
            g,
            "high",
        )
        return
    if (
        k == "http_tokens"
        and '"required"' in (g.old_value or "")
        and '"optional"' in (g.new_value or "")
    ):
        # EC2's instance metadata: `required` is IMDSv2 only; `optional` lets IMDSv1 answer again,
        # the unauthenticated endpoint SSRF reaches credentials through
        yield group_signal(
            PROTECTION_TOGGLE,
            "tf.security_control_off",
            f"sets `http_tokens` on {g.where} from `required` to `optional`: IMDSv1 answers again",
            g,
            "high",
        )
        return
    if k == "backup_retention_period" and g.new and g.new_value == "0" and g.old_value != "0":
        yield group_signal(
            PROTECTION_TOGGLE,
            "tf.backup_retention",
            f"turns off automated backups of {g.where}",
            g,
            "high",
        )
    elif k == "final_snapshot_identifier" and g.old and not g.new:
        yield group_signal(
            PROTECTION_TOGGLE,
            "tf.final_snapshot",
            f"removes the final snapshot of {g.where}: deleting it keeps no copy",
            g,
            "high",
            "old",
        )
    elif g.path[-1:] in (("versioning",), ("versioning_configuration",)) and k in (
        "enabled",
        "status",
        "mfa_delete",
    ):
        new_v = (g.new_value or "").lower()
        off = any(w in new_v for w in ("false", "suspended", "disabled")) or (
            not g.new and k != "mfa_delete"
        )
        if off:
            yield group_signal(
                PROTECTION_TOGGLE, "tf.versioning", f"turns off versioning of {g.where}", g, "high"
            )
    elif g.path[-1:] == ("lifecycle",) and k == "ignore_changes":
        old_n = _list_size(g.old_value)
        new_n = _list_size(g.new_value)
        if new_n > old_n:
            yield group_signal(
                PROTECTION_TOGGLE,
                "tf.ignore_changes",
                f"widens `ignore_changes` on {g.where}: drift there is no longer corrected",
                g,
                "medium",
            )


def _list_size(value: str | None) -> int:
    if value is None:
        return 0
    v = value.strip()
    if v in ("all", "[all]"):
        return 1 << 20
    inner = v.strip("[]").strip().rstrip(",")
    return len([p for p in inner.split(",") if p.strip()]) if inner else 0


def public_signals(g: Group) -> Iterator[Signal]:
    k = g.key
    if k in _PUBLIC_BLOCKS:
        if (g.new and bool_value(g.new_value) is False) or (
            not g.new and bool_value(g.old_value) is True
        ):
            verb = f"sets `{k} = false`" if g.new else f"removes `{k}`"
            yield group_signal(
                PERMISSION_WIDENING,
                "tf.public_access",
                f"{verb} on {g.where}: public access is no longer blocked",
                g,
                "high",
            )
    elif (
        k == "publicly_accessible"
        and bool_value(g.new_value) is True
        and bool_value(g.old_value) is not True
    ):
        yield group_signal(
            PERMISSION_WIDENING,
            "tf.public_access",
            f"makes {g.where} publicly accessible",
            g,
            "high",
        )
    elif (
        k in ("acl", "predefined_acl", "canned_acl") and (g.new_value or "").lower() in _PUBLIC_ACLS
    ):
        yield group_signal(
            PERMISSION_WIDENING,
            "tf.public_access",
            f"grants a public ACL {g.new_value} on {g.where}",
            g,
            "high",
        )
    elif (
        k == "public_network_access_enabled"
        and bool_value(g.new_value) is True
        and bool_value(g.old_value) is not True
    ):
        yield group_signal(
            PERMISSION_WIDENING,
            "tf.public_access",
            f"opens {g.where} to public networks",
            g,
            "medium",
        )
