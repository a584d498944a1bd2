"""Commands of infrastructure tools: git, Terraform, kubectl, Helm, cloud CLIs, Docker, registries."""

from __future__ import annotations

import re

from ...models import Severity
from ...rx import lazy
from ..lex.shell import positional_args, short_has, split_opts, word_set
from .command import K8S_HIGH, K8S_LOW, Cmd, Hit, worst

_SHORT_FORCE_RE = lazy(r"-[a-zA-Z]*f[a-zA-Z]*")
_REPLICAS_ZERO_RE = lazy(r"--replicas[= ]0\b")


def git_hits(cmd: Cmd) -> list[Hit]:
    args = cmd.args
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in ("-C", "-c") else 1
    if i >= len(args):
        return []
    sub, rest = args[i], args[i + 1 :]
    opts, positional = split_opts(rest)
    if sub == "push":
        if (
            "--mirror" in opts
            or "--force" in opts
            or any(_SHORT_FORCE_RE.fullmatch(o) for o in opts if not o.startswith("--"))
            or any(p.startswith("+") and len(p) > 1 for p in positional)
        ):
            # rewriting a shared branch (`HEAD:master`, the current one) is the incident; a bot
            # re-pushing the branch it made (`origin "$branch"`, `gh-pages`) is routine
            return [
                cmd.hit("cmd.git_force_push", "high" if _shared_target(positional) else "medium")
            ]
        if any(o.startswith(("--force-with-lease", "--force-if-includes")) for o in opts):
            return [cmd.hit("cmd.git_force_push", "medium")]
        if (
            "--delete" in opts
            or "-d" in opts
            or any(p.startswith(":") and len(p) > 1 for p in positional)
        ):
            return [cmd.hit("cmd.git_delete_ref", "medium")]
        return []
    if sub == "reset" and "--hard" in opts:
        return [cmd.hit("cmd.git_discard", "medium")]
    if sub == "clean" and ("--force" in opts or short_has(opts, "f")) and short_has(opts, "dxX"):
        return [cmd.hit("cmd.git_discard", "medium")]
    if sub in ("filter-branch", "filter-repo"):
        return [cmd.hit("cmd.git_history_rewrite", "medium")]
    if sub == "commit" and any(
        o == "-n" or (not o.startswith("--") and "n" in o[1:] and len(o) <= 4) for o in opts
    ):
        return [cmd.hit("cmd.no_verify", "medium")]
    return []


#: branches many people build on: force-pushing one rewrites their history
_SHARED_BRANCH_RE = lazy(r"(?:refs/heads/)?(?:main|master|trunk|develop|dev|release[\w./-]*|head)")


def _shared_target(positional: list[str]) -> bool:
    """Whether a push's refspecs (after the remote) reach a shared branch, or name none (the
    current branch, whatever it is)."""
    refspecs = positional[1:]
    if not refspecs:
        return True
    for spec in refspecs:
        dest = spec.lstrip("+").rsplit(":", 1)[-1].strip("'\"")
        if not dest or _SHARED_BRANCH_RE.fullmatch(dest.lower()):
            return True
    return False


def terraform_hits(cmd: Cmd) -> list[Hit]:
    _opts, positional = split_opts(cmd.args)
    if cmd.program == "terragrunt" and positional and positional[0] in ("run-all", "run"):
        positional = positional[1:]
    if not positional:
        return []
    sub = positional[0]
    opts = [a for a in cmd.args if a.startswith("-")]
    flag = {o.lstrip("-").split("=", 1)[0] for o in opts}
    if sub == "destroy" or (sub == "apply" and "destroy" in flag):
        return [cmd.hit("cmd.terraform_destroy", "high")]
    if sub == "taint" or (sub in ("apply", "plan") and "replace" in flag and sub == "apply"):
        return [cmd.hit("cmd.terraform_replace", "high")]
    if sub == "apply" and "auto-approve" in flag:
        return [cmd.hit("cmd.terraform_auto_approve", "medium")]
    if sub == "state" and len(positional) > 1:
        if positional[1] in ("rm", "mv", "push"):
            return [cmd.hit("cmd.terraform_state", "high")]
        if positional[1] == "replace-provider":
            return [cmd.hit("cmd.terraform_state", "medium")]
    if sub == "workspace" and len(positional) > 1 and positional[1] == "delete":
        return [cmd.hit("cmd.terraform_workspace_delete", "high")]
    if sub in ("import", "force-unlock"):
        return [cmd.hit("cmd.terraform_state", "medium")]
    if sub == "init" and flag & {"migrate-state", "force-copy"}:
        return [cmd.hit("cmd.terraform_state", "medium")]
    return []


def stack_hits(cmd: Cmd) -> list[Hit]:
    _opts, positional = split_opts(cmd.args)
    first = positional[0] if positional else ""
    second = positional[1] if len(positional) > 1 else ""
    if first in ("destroy", "remove") or (first == "stack" and second in ("rm", "remove")):
        return [cmd.hit("cmd.stack_destroy", "high")]
    return []


_K8S_VALUE_OPTS = word_set(
    "-n --namespace --context --kubeconfig -s --server --cluster --user --token -l --selector "
    "-o --output --field-selector -c --container --grace-period --timeout"
)


def kubectl_hits(cmd: Cmd) -> list[Hit]:
    args = cmd.args
    positional = positional_args(args, _K8S_VALUE_OPTS)
    if not positional:
        return []
    sub = positional[0]
    if sub == "delete":
        if any(a in ("--all", "-A", "--all-namespaces") for a in args):
            return [cmd.hit("cmd.kubectl_delete", "high")]
        types = [t.lower() for w in positional[1:2] for t in re.split(r"[,/]", w) if t]
        if any(t.split(".")[0] in K8S_HIGH for t in types):
            return [cmd.hit("cmd.kubectl_delete", "high")]
        if types and all(t.split(".")[0] in K8S_LOW for t in types):
            return [cmd.hit("cmd.kubectl_delete", "low")]
        return [cmd.hit("cmd.kubectl_delete", "medium")]
    if sub == "drain":
        return [cmd.hit("cmd.kubectl_disrupt", "medium")]
    if sub == "scale" and _REPLICAS_ZERO_RE.search(" ".join(args)):
        return [cmd.hit("cmd.kubectl_disrupt", "medium")]
    if sub == "apply" and any(a.startswith("--prune") for a in args):
        return [cmd.hit("cmd.kubectl_delete", "medium")]
    return []


def helm_hits(cmd: Cmd) -> list[Hit]:
    positional = positional_args(cmd.args, _K8S_VALUE_OPTS)
    if positional and positional[0] in ("uninstall", "delete", "del", "un"):
        return [cmd.hit("cmd.helm_uninstall", "high")]
    return []


def cloud_hits(cmd: Cmd) -> list[Hit]:
    args = cmd.args
    hits: list[Hit] = []
    recursive = any(a in ("--recursive", "-r", "-R") for a in args)
    force = "--force" in args
    level: Severity | None = None
    for a in args:
        if a.startswith("-"):
            continue
        w = a.lower()
        if (
            w in ("delete", "destroy", "terminate", "purge")
            or w.startswith(("delete-", "terminate-", "deregister-", "destroy-", "purge-"))
            or w.endswith((":destroy", ":delete", "pg:reset"))
        ):
            level = "high"
            break
        if w == "rb":
            level = worst([level, "high" if force else "medium"])
        elif w in ("rm", "remove"):
            level = worst([level, "high" if recursive else "medium"])
        elif w.startswith("remove-") or (w == "sync" and "--delete" in args):
            level = worst([level, "medium"])
    if level is not None:
        hits.append(cmd.hit("cmd.cloud_delete", level))
    joined = " ".join(args)
    if re.search(r"public-read|allUsers|allAuthenticatedUsers|AllUsers", joined):
        hits.append(cmd.hit("cmd.public_acl", "high"))
    return hits


def gsutil_hits(cmd: Cmd) -> list[Hit]:
    positional = positional_args(cmd.args, frozenset({"-o", "-h", "-u"}))
    opts = [a for a in cmd.args if a.startswith("-")]
    hits: list[Hit] = []
    if positional and positional[0] == "rm":
        deep = any(o in ("-r", "-R", "-a", "--recursive") or short_has([o], "rRa") for o in opts)
        hits.append(cmd.hit("cmd.cloud_delete", "high" if deep else "medium"))
    elif positional and positional[0] == "rb":
        hits.append(cmd.hit("cmd.cloud_delete", "high"))
    if any(re.search(r"allUsers|AllUsers|public-read", a) for a in cmd.args):
        hits.append(cmd.hit("cmd.public_acl", "high"))
    return hits


def docker_hits(cmd: Cmd) -> list[Hit]:
    positional = positional_args(
        cmd.args, frozenset({"-H", "--host", "--context", "-c", "-f", "--file", "-p"})
    )
    args = cmd.args
    first = positional[0] if positional else ""
    second = positional[1] if len(positional) > 1 else ""
    if cmd.program == "docker-compose":
        first, second = "compose", first
    if (
        first == "system"
        and second == "prune"
        and any(
            a in ("-a", "--all", "--volumes") or short_has([a], "a")
            for a in args
            if a.startswith("-")
        )
    ):
        return [cmd.hit("cmd.docker_prune", "medium")]
    if first == "volume" and second in ("prune", "rm", "remove"):
        return [cmd.hit("cmd.docker_prune", "medium")]
    if (
        first == "compose"
        and second in ("down", "rm")
        and any(a in ("-v", "--volumes") for a in args)
    ):
        return [cmd.hit("cmd.docker_prune", "medium")]
    return []


def dropdb_hits(cmd: Cmd) -> list[Hit]:
    if cmd.program == "mysqladmin" and "drop" not in cmd.args:
        return []
    return [cmd.hit("cmd.sql_drop", "high")]


def packages_hits(cmd: Cmd) -> list[Hit]:
    positional = positional_args(cmd.args, frozenset())
    if positional and positional[0] in ("unpublish", "yank"):
        return [cmd.hit("cmd.unpublish", "high")]
    return []
