"""Changed arguments -> signals: each argument group goes to the knowledge that judges it."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import ENVIRONMENT_DEFINITION, REPLACEMENT, Severity, Signal
from .count import count_signal
from .groups import Group, group_signal, opt_in, reshaped
from .protection import protection_signals, public_signals
from .resources import force_new
from .settings import (
    module_signals,
    provider_signals,
    terraform_signals,
    tfvar_signals,
    variable_signals,
)


def attr_signals(g: Group, moved: list[tuple[str, str]]) -> Iterator[Signal]:
    k, path = g.key, g.path
    if "?" in path:
        yield from _unknown_path_signals(g)
        return
    if g.kind in ("resource", "module") and not path and k in ("count", "for_each"):
        yield from count_signal(g, moved)
    if g.kind == "resource" and force_new(g.rtype, path, k) and not opt_in(g):
        verb = "changes" if g.old and g.new else ("sets" if g.new else "removes")
        sev: Severity = "medium" if reshaped(g) else "high"
        yield group_signal(
            REPLACEMENT,
            "tf.force_new_attribute",
            f"{verb} `{'.'.join((*path, k))}`, which forces {g.where} to be destroyed and recreated",
            g,
            sev,
        )
    if path == ("lifecycle",) and k == "create_before_destroy":
        yield group_signal(
            REPLACEMENT,
            "tf.create_before_destroy",
            f"changes `create_before_destroy` on {g.where}: how it is replaced changes",
            g,
            "medium",
        )
    yield from protection_signals(g)
    yield from public_signals(g)
    if g.kind == "provider":
        yield from provider_signals(g)
    elif g.kind == "terraform":
        yield from terraform_signals(g)
    elif g.kind == "module" and not path and k in ("source", "version"):
        yield from module_signals(g)
    elif g.kind == "variable" and not path:
        yield from variable_signals(g)
    elif g.kind == "tfvar":
        yield from tfvar_signals(g)


def _unknown_path_signals(g: Group) -> Iterator[Signal]:
    """Arguments of a level the hunk does not show: only what the key alone says."""
    if g.kind == "terraform" and g.key not in ("source", "version", "configuration_aliases"):
        yield group_signal(
            ENVIRONMENT_DEFINITION,
            "tf.backend",
            f"changes `{g.key}` inside the `terraform` block, most likely the state backend",
            g,
            "high",
        )
        return
    yield from protection_signals(g)
    yield from public_signals(g)
