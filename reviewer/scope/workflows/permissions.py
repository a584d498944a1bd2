"""The workflow token's permissions: write grants added, ``permissions`` blocks dropped."""

from __future__ import annotations

from ...models import PERMISSION_WIDENING, Signal
from ...rx import lazy
from ..lex.yaml_outline import GAP
from ..yaml_view import Change, count_by
from .lines import job_of, signal_at

HIGH_SCOPES = frozenset(
    {"contents", "id-token", "actions", "packages", "deployments", "attestations"}
)
_SCOPES = HIGH_SCOPES | frozenset(
    {
        "checks",
        "discussions",
        "issues",
        "pages",
        "pull-requests",
        "repository-projects",
        "security-events",
        "statuses",
        "models",
    }
)


def write_scopes(chs: list[Change]) -> list[str]:
    """The scopes a workflow's token is given write access to, one each, in order."""
    return list(dict.fromkeys(scope for scope, _ in _grants(chs)))


def _grants(chs: list[Change]) -> list[tuple[str, Change]]:
    """(scope, line) of each write grant: ``permissions: write-all`` or ``<scope>: write``."""
    found: list[tuple[str, Change]] = []
    for ch in chs:
        node = ch.node
        if ch.is_text or node is None:
            continue
        value = node.scalar.lower()
        if node.key == "permissions" and value == "write-all":
            found.append(("write-all", ch))
        elif (
            node.key in _SCOPES
            and value == "write"
            and (node.path[-1:] == ("permissions",) or GAP in node.path)
        ):
            found.append((node.key, ch))
    return found


def _blocks(chs: list[Change]) -> list[tuple[str, Change]]:
    """(where, line) of each workflow- or job-level ``permissions`` key."""
    found: list[tuple[str, Change]] = []
    for ch in chs:
        node = ch.node
        if ch.is_text or node is None or node.key != "permissions":
            continue
        if node.exact and (node.path == () or (len(node.path) == 2 and node.path[0] == "jobs")):
            found.append((".".join(node.fullpath), ch))
        elif node.path == ("jobs", GAP) and ch.outline and node.col == 2 * ch.outline.unit:
            # under the ``jobs:`` heading, two levels in: a job whose header the hunk does not show
            found.append(("jobs.*.permissions", ch))
    return found


_SECRET_REF = lazy(r"\bsecrets\.([A-Za-z_]\w*)")


def dropped_secrets(removed: list[Change], added: list[Change]) -> list[str]:
    """Stored secrets the change stops reading (``secrets.PRE_COMMIT`` gone from every line)."""
    before = {m.group(1) for ch in removed for m in _SECRET_REF.finditer(ch.text)}
    after = {m.group(1) for ch in added for m in _SECRET_REF.finditer(ch.text)}
    return sorted(before - after - {"GITHUB_TOKEN"})


def permissions(
    removed: list[Change], added: list[Change], dead_jobs: set[str], *, new_file: bool = False
) -> list[Signal]:
    """Write grants the change adds, and permission blocks it drops (moved ones do not count).

    A workflow the change adds has no token to widen: the scopes it declares are what it is, shown
    on its own finding (``adds GitHub workflow ... (its token writes contents)``), which asks
    for the same explanation. ``write-all`` still stands alone: it declares no least privilege.
    """
    out: list[Signal] = []
    before = count_by(scope for scope, _ in _grants(removed))
    dropped = dropped_secrets(removed, added)
    for scope, ch in _grants(added):
        if before.get(scope, 0) > 0:
            before[scope] -= 1
            continue
        everything = scope == "write-all"
        if new_file and not everything:
            continue
        if scope == "id-token" and dropped:
            # a stored secret traded for a short-lived token the job requests by OIDC: the
            # credential gets narrower, not wider
            out.append(
                signal_at(
                    PERMISSION_WIDENING,
                    "gha.permissions_widened",
                    "grants the workflow token `id-token: write` in place of the stored secret "
                    f"`{dropped[0]}`: the job asks for a short-lived token by OIDC instead",
                    ch,
                    "low",
                )
            )
            continue
        out.append(
            signal_at(
                PERMISSION_WIDENING,
                "gha.permissions_write_all" if everything else "gha.permissions_widened",
                "grants the workflow token "
                + ("`permissions: write-all`" if everything else f"`{scope}: write`"),
                ch,
                "high" if everything or scope in HIGH_SCOPES else "medium",
            )
        )
    kept = count_by(where for where, _ in _blocks(added))
    for where, ch in _blocks(removed):
        if kept.get(where, 0) > 0:
            kept[where] -= 1
            continue
        job = job_of(ch.node)
        if job is not None and job in dead_jobs:
            continue
        top = where == "permissions"
        whose = "the workflow's" if top else (f"job `{job}`'s" if job else "a job's")
        out.append(
            signal_at(
                PERMISSION_WIDENING,
                "gha.permissions_removed",
                f"removes {whose} `permissions` block: the token falls back to a wider default",
                ch,
                "high" if top else "medium",
            )
        )
    return out
