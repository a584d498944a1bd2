"""Triggers that run untrusted code with secrets: ``pull_request_target``, head checkouts."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...models import PERMISSION_WIDENING, Signal
from ...rx import lazy
from ..lex.yaml_outline import GAP, flow_items
from ..yaml_view import Change, SideView
from .lines import signal_at

_HEAD_CHECKOUT_RE = lazy(
    r"github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|refs/pull/|"
    r"github\.event\.workflow_run\.head_(sha|branch)",
    re.I,
)


def _trigger_mentions(chs: Iterable[Change], name: str) -> list[Change]:
    out: list[Change] = []
    for ch in chs:
        node = ch.node
        if ch.is_text or node is None:
            continue
        if node.key == name or (
            node.key in ("on", "-")
            and name in flow_items(node.value)
            and (node.path in ((), ("on",)) or GAP in node.path)
        ):
            out.append(ch)
    return out


def pull_request_target(removed: list[Change], added: list[Change], new: SideView) -> list[Signal]:
    """A ``pull_request_target`` trigger the change adds (more mentions than it removes)."""
    got = _trigger_mentions(added, "pull_request_target")
    if len(got) <= len(_trigger_mentions(removed, "pull_request_target")):
        return []
    head = any(_HEAD_CHECKOUT_RE.search(t) for t in new.visible_text())
    detail = (
        "adds the `pull_request_target` trigger: fork pull requests run with the base repository's "
        "secrets and write token"
    )
    if head:
        detail += ", and the workflow checks out the pull request's head"
    return [signal_at(PERMISSION_WIDENING, "gha.pull_request_target", detail, got[0], "high")]


def untrusted_checkout(added: list[Change], new: SideView) -> list[Signal]:
    """A checkout of the pull request's head added to a workflow that runs with secrets."""
    privileged = any(
        re.search(r"\b(pull_request_target|workflow_run)\b", t) for t in new.visible_text()
    )
    if not privileged:
        return []
    for ch in added:
        if (
            not ch.is_text
            and ch.node is not None
            and ch.key == "ref"
            and _HEAD_CHECKOUT_RE.search(ch.value)
        ):
            return [
                signal_at(
                    PERMISSION_WIDENING,
                    "gha.untrusted_checkout",
                    "checks out the pull request's head in a privileged workflow (untrusted code "
                    "runs with secrets)",
                    ch,
                    "high",
                )
            ]
    return []
