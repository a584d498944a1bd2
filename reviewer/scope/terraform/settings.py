"""Arguments of the configuration rather than of a resource: providers, versions, modules, inputs."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import (
    DEPENDENCY,
    ENVIRONMENT_DEFINITION,
    GLOBAL_CONFIG,
    PROTECTION_TOGGLE,
    PUBLIC_API,
    Severity,
    Signal,
)
from ...rx import lazy
from .groups import Group, bool_value, group_signal, major_version
from .protection import guard_of_variable
from .types import type_change

_PROVIDER_TARGET = frozenset(
    [
        "region",
        "profile",
        "alias",
        "project",
        "account_id",
        "allowed_account_ids",
        "forbidden_account_ids",
        "subscription_id",
        "tenant_id",
        "shared_credentials_files",
        "shared_credentials_file",
        "shared_config_files",
        "zone",
        "credentials",
        "host",
        "config_path",
        "config_context",
        "endpoint",
        "endpoints",
        "organization_id",
        "billing_project",
    ]
)
_PROVIDER_TARGET_BLOCKS = frozenset(
    ["assume_role", "assume_role_with_web_identity", "endpoints", "kubernetes"]
)
_PROVIDER_DEFAULTS = frozenset(
    ["default_tags", "default_labels", "ignore_tags", "add_terraform_attribution_label"]
)
_TFVARS_TARGET_RE = lazy(
    r"^(region|location|project|project_id|account_id|subscription_id|tenant_id|profile|zone)$"
    r"|_(region|account_id|project_id|subscription_id|tenant_id)$"
)


def provider_signals(g: Group) -> Iterator[Signal]:
    k, path = g.key, g.path
    if (
        (not path and k in _PROVIDER_TARGET)
        or (path and path[0] in _PROVIDER_TARGET_BLOCKS)
        or k == "assume_role"
    ):
        yield group_signal(
            ENVIRONMENT_DEFINITION,
            "tf.provider",
            f"changes `{'.'.join((*path, k))}` of {g.where}: resources move to another region or account",
            g,
            "high",
        )
    elif (path and path[0] in _PROVIDER_DEFAULTS) or k in _PROVIDER_DEFAULTS:
        yield group_signal(
            GLOBAL_CONFIG,
            "tf.provider_defaults",
            f"changes `{'.'.join((*path, k))}` of {g.where}, applied to every resource it manages",
            g,
            "medium",
        )


def terraform_signals(g: Group) -> Iterator[Signal]:
    k, path = g.key, g.path
    if path and path[0] in ("backend", "cloud"):
        return  # reported with the backend block
    if (not path and k == "required_version") or (
        path and path[0] == "required_providers" and k in ("version", "source")
    ):
        old_m, new_m = major_version(g.old_value), major_version(g.new_value)
        what = (
            "required Terraform version"
            if k == "required_version"
            else f"provider `{path[-1] if len(path) > 1 else k}`"
        )
        sev: Severity = (
            "medium"
            if (k == "source" and g.old)
            or (old_m is not None and new_m is not None and new_m > old_m)
            else "low"
        )
        yield group_signal(
            DEPENDENCY, "tf.provider_version", f"changes the {what} constraint", g, sev
        )
    elif path and path[0] == "required_providers" and len(path) == 1 and g.old and not g.new:
        yield group_signal(
            DEPENDENCY,
            "tf.provider_version",
            f"removes the requirement on provider `{k}`",
            g,
            "medium",
        )


def module_signals(g: Group) -> Iterator[Signal]:
    if g.key == "source":
        if g.old and g.new:
            yield group_signal(
                DEPENDENCY, "tf.module_source", f"changes the source of {g.where}", g, "medium"
            )
        return
    old_m, new_m = major_version(g.old_value), major_version(g.new_value)
    sev: Severity = "medium" if old_m is not None and new_m is not None and new_m > old_m else "low"
    yield group_signal(DEPENDENCY, "tf.module_version", f"changes the version of {g.where}", g, sev)


def variable_signals(g: Group) -> Iterator[Signal]:
    if g.key == "default":
        guard = guard_of_variable(g.owner)
        new_eff = bool_value(g.new_value) if g.new else None
        if guard is not None and new_eff is not None and new_eff != guard and g.new:
            # `variable "force_destroy" { default = true }`: every caller that does not set it
            # now creates resources without the guard
            yield group_signal(
                PROTECTION_TOGGLE,
                "tf.guard_default",
                f"changes the default of {g.where} to `{g.new_value}`: resources of every caller "
                "that does not set it lose their guard against destruction",
                g,
                "high",
            )
            return
        if g.old and g.new:
            yield group_signal(
                GLOBAL_CONFIG,
                "tf.variable_default",
                f"changes the default of {g.where}: every caller that does not set it is affected",
                g,
                "medium",
            )
        elif g.old:
            yield group_signal(
                PUBLIC_API,
                "tf.variable_required",
                f"removes the default of {g.where}: every caller must now set it",
                g,
                "medium",
                "old",
            )
    elif g.key == "type" and g.old and g.new:
        change = type_change(g.old_value or "", g.new_value or "")
        if change == "same":
            return  # the same type, aligned or reflowed
        if change == "widens":
            # an `optional(...)` attribute added, `list(string)` -> `list(any)`: every value a
            # caller passes still fits
            yield group_signal(
                PUBLIC_API,
                "tf.variable_type_widened",
                f"widens the type of {g.where}: every value it took still fits",
                g,
                "low",
            )
            return
        yield group_signal(
            PUBLIC_API, "tf.variable_type", f"changes the type of {g.where}", g, "medium"
        )


def tfvar_signals(g: Group) -> Iterator[Signal]:
    """A value of a ``.tfvars`` file that selects where the configuration is deployed."""
    if g.old and _TFVARS_TARGET_RE.search(g.key):
        yield group_signal(
            ENVIRONMENT_DEFINITION,
            "tf.environment_value",
            f"changes `{g.key}`, which selects the environment that is deployed to",
            g,
            "high",
        )
