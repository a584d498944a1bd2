"""Guards a change takes off: deletion policies, deletion protection, backups, versioning."""

from __future__ import annotations

from ...models import PROTECTION_TOGGLE, Signal
from ..yaml_view import Change, count_by
from .template import owner_of, signal_at

_PROTECTIVE = frozenset({"retain", "snapshot", "retainexceptoncreate"})
_POLICY_KEYS = ("DeletionPolicy", "UpdateReplacePolicy")


def policies(removed: list[Change], added: list[Change], whole: set[str]) -> list[Signal]:
    """DeletionPolicy / UpdateReplacePolicy moving away from Retain or Snapshot."""

    def protective(chs: list[Change]) -> list[tuple[str, Change]]:
        return [
            (f"{owner_of(ch)}:{ch.key}", ch)
            for ch in chs
            if ch.key in _POLICY_KEYS and ch.value.lower() in _PROTECTIVE
        ]

    out: list[Signal] = []
    reported: set[str] = set()
    kept = count_by(tag for tag, _ in protective(added))
    for tag, ch in protective(removed):
        res = owner_of(ch)
        if res is not None and res in whole:
            continue
        if kept.get(tag, 0) > 0:
            kept[tag] -= 1
            continue
        where = f" of `{res}`" if res else ""
        reported.add(tag)
        out.append(
            signal_at(
                PROTECTION_TOGGLE,
                "cfn.deletion_policy",
                f"drops `{ch.key}: {ch.value}`{where}: deleting or replacing it now destroys its data",
                ch,
                res,
                "high",
            )
        )
    for ch in added:
        res = owner_of(ch)
        if (
            ch.key not in _POLICY_KEYS
            or ch.value.lower() != "delete"
            or f"{res}:{ch.key}" in reported
        ):
            continue
        if res is None or res not in whole:
            out.append(
                signal_at(
                    PROTECTION_TOGGLE,
                    "cfn.deletion_policy",
                    f"sets `{ch.key}: Delete`" + (f" on `{res}`" if res else ""),
                    ch,
                    res,
                    "high",
                )
            )
    return out


def protections(removed: list[Change], added: list[Change]) -> list[Signal]:
    """Deletion protection, backups and versioning turned off, or deletion protection removed."""
    out: list[Signal] = []
    for ch in added:
        key, value = ch.key, ch.value.lower()
        res = owner_of(ch)
        if (
            key
            in ("DeletionProtection", "DeletionProtectionEnabled", "EnableTerminationProtection")
            and value == "false"
        ):
            out.append(
                signal_at(
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
                signal_at(
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
                signal_at(
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
                signal_at(
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
            signal_at(
                PROTECTION_TOGGLE,
                "cfn.deletion_protection",
                f"removes `{ch.key}: true`",
                ch,
                owner_of(ch),
                "high",
            )
        )
    return out
