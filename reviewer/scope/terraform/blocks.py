"""Blocks added, deleted or renamed whole: resources, inputs, providers, backends, state moves."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import (
    ENVIRONMENT_DEFINITION,
    PUBLIC_API,
    REPLACEMENT,
    RESOURCE_DELETION,
    Side,
    Signal,
    Symbol,
)
from ..engine import Definition, FileContext
from .definitions import Reading
from .moves import address_of, removed_destroys
from .resources import STATEFUL_RE, deletion_severity


def symbol_signals(
    ctx: FileContext,
    changes: list[tuple[Symbol, Definition | None, Definition | None]],
    sides: dict[Side, Reading],
    moved: list[tuple[str, str]],
    forcing: dict[str, list[str]],
    *,
    backend_file: bool,
) -> Iterator[Signal]:
    """``forcing``: per renamed block, the changed arguments that force its replacement anyway."""
    for sym, _o, _n in changes:
        k, name, ch = sym.kind, sym.name, sym.change
        if k == "resource" and ch == "deleted":
            if not removed_destroys(sides["new"], f"removed.{name}"):
                continue  # a removed block with destroy = false forgets it instead
            rtype = name.split(".", 1)[0]
            sev = deletion_severity(rtype)
            what = " (stateful or shared infrastructure)" if STATEFUL_RE.search(rtype) else ""
            yield Signal(
                kind=RESOURCE_DELETION,
                code="tf.resource_deleted",
                detail=f"deletes resource `{name}`{what}: Terraform destroys it",
                line=sym.line,
                side="old",
                symbol=name,
                severity=sev,
            )
        elif k == "module" and ch == "deleted":
            yield Signal(
                kind=RESOURCE_DELETION,
                code="tf.module_deleted",
                detail=f"deletes module call `{name}` and every resource it manages",
                line=sym.line,
                side="old",
                symbol=name,
                severity="high",
            )
        elif k in ("resource", "module") and ch == "renamed" and sym.old_name:
            forced = forcing.get(name, [])
            if forced:
                # the argument replaces it anyway: a `moved` block would not save it
                args = ", ".join(f"`{a}`" for a in forced[:3])
                detail = (
                    f"renames `{sym.old_name}` to `{name}` and changes {args}, which forces "
                    "replacement: Terraform destroys and recreates it"
                )
            elif any(address_of(f) == sym.old_name and address_of(t) == name for f, t in moved):
                continue
            else:
                detail = (
                    f"renames `{sym.old_name}` to `{name}` without a `moved` block: Terraform "
                    "destroys and recreates it"
                )
            yield Signal(
                kind=REPLACEMENT,
                code="tf.address_changed",
                detail=detail,
                line=sym.line,
                side="new",
                symbol=name,
                severity="high",
            )
        elif k == "variable" and ch == "deleted":
            yield Signal(
                kind=PUBLIC_API,
                code="tf.variable_removed",
                detail=f"removes input `{name}`: callers that set it fail",
                line=sym.line,
                side="old",
                symbol=name,
                severity="medium",
            )
        elif k == "output" and ch == "deleted":
            yield Signal(
                kind=PUBLIC_API,
                code="tf.output_removed",
                detail=f"removes output `{name}`: references to it fail",
                line=sym.line,
                side="old",
                symbol=name,
                severity="medium",
            )
        elif k == "provider" and ch in ("deleted", "renamed"):
            yield Signal(
                kind=ENVIRONMENT_DEFINITION,
                code="tf.provider",
                detail=f"removes provider configuration `{sym.old_name or name}`",
                line=sym.line,
                side="old" if ch == "deleted" else "new",
                symbol=name,
                severity="high",
            )
        elif k in ("backend", "remote_state") or (backend_file and k == "tfvar"):
            verb = {"added": "adds", "deleted": "removes"}.get(ch, "changes")
            yield Signal(
                kind=ENVIRONMENT_DEFINITION,
                code="tf.backend",
                detail=f"{verb} the state backend `{name}`: Terraform reads and writes state elsewhere",
                line=sym.line,
                side="old" if ch == "deleted" else "new",
                symbol=name,
                severity="high",
            )
        elif k in ("moved", "removed", "import"):
            verb = {"added": "adds", "deleted": "removes"}.get(ch, "changes")
            # which block: thirty `moved` blocks read as one line each only when each says what
            subject = name.removeprefix(f"{k}.")
            which = f" for `{subject}`" if subject and subject != name else ""
            yield Signal(
                kind=ENVIRONMENT_DEFINITION,
                code="tf.state_move",
                detail=f"{verb} the `{k}` block{which}: state addresses change",
                line=sym.line,
                side="old" if ch == "deleted" else "new",
                symbol=name,
                severity="medium",
            )
            if (
                k == "removed"
                and ch in ("added", "modified")
                and removed_destroys(sides["new"], name)
            ):
                target = name.removeprefix("removed.")
                yield Signal(
                    kind=RESOURCE_DELETION,
                    code="tf.removed_block",
                    detail=f"a `removed` block destroys `{target}`",
                    line=sym.line,
                    side="new",
                    symbol=name,
                    severity="high",
                )
