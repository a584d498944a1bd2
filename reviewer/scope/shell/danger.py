"""Dangerous commands in shell text (``scan_commands``): logical lines, heredocs, nested shells."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Container, Iterable

from ...models import DANGEROUS_COMMAND, Side, Signal
from ...rx import lazy
from ..lex.shell import (
    CONTINUES_RE,
    ci_expressions_as_words,
    is_comment,
    mask_quoted,
    odd_backslash,
    program_name,
    shell_words,
    simple_commands,
    strip_comment,
    unwrap,
    word_set,
)
from .command import (
    CLOUD_CLIS,
    DEPLOY_TOOLS,
    FETCHERS,
    INTERPRETERS,
    K8S_CLIS,
    MEANINGS,
    RANK,
    SHELLS,
    SQL_CLIENTS,
    Cmd,
    Hit,
    Scan,
    excerpt_of,
)
from .files import (
    chmod_hits,
    chown_hits,
    dd_hits,
    disk_hits,
    find_hits,
    kill_hits,
    power_hits,
    rm_hits,
)
from .tools import (
    cloud_hits,
    docker_hits,
    dropdb_hits,
    git_hits,
    gsutil_hits,
    helm_hits,
    kubectl_hits,
    packages_hits,
    stack_hits,
    terraform_hits,
)

#: a logical command longer than this is scanned in its first part only (a 5 MB minified line)
MAX_COMMAND_CHARS = 65_536
#: how deep ``sh -c "..."``, ``eval``, ``ssh host ...`` and ``kubectl exec -- ...`` are followed
_MAX_DEPTH = 3


_HEREDOC_RE = lazy(r"<<(?!<)(-?)[ \t]*")
_HEREDOC_WORD_RE = lazy(r"(['\"]?)([A-Za-z0-9_.\-]+)\1")
_TEMPVAR_RE = lazy(r"\b([A-Za-z_]\w*)=[\"']?(?:\$\(|`)\s*(?:\S*/)?mktemp\b")

_FORK_BOMB_RE = lazy(r"([A-Za-z_:][\w:]*)\s*\(\)\s*\{\s*\1\s*\|\s*\1\s*&\s*\}\s*;?\s*\1")
_SUBST_FETCH_RE = lazy(
    r"\b(?:sh|bash|zsh|dash|ksh|python3?|perl|ruby|node)\s+(?:-\S+\s+)*[\"']?(?:\$\(|<\(|`)\s*"
    r"(?:curl|wget)\b|\b(?:iex|Invoke-Expression)\b[^\n]*\b(?:iwr|irm|Invoke-WebRequest|"
    r"Invoke-RestMethod|DownloadString)\b",
    re.I,
)
_SQL_RE = lazy(
    r"\bDROP\s+(?:DATABASE|SCHEMA|TABLE|KEYSPACE|COLLECTION|USER|ROLE)\b|\bTRUNCATE\b"
    r"|\bDELETE\s+FROM\s+[\w.\"`\[\]]+\s*(?:;|$|[\"'])|\bdropDatabase\s*\(|\.drop\s*\(\s*\)"
    r"|\bFLUSHALL\b|\bFLUSHDB\b|\bdeleteMany\s*\(\s*\{\s*\}\s*\)",
    re.I,
)
_DATA_DROP_RE = lazy(
    r"(?<![\w-])(?:[\w-]+:)*(?:db:drop|db:reset|db:purge|db:schema:load|migrate:fresh|migrate:reset|"
    r"database:drop|schema:drop)(?![\w:-])|\bmigrate\s+reset\b|--accept-data-loss\b|--force-reset\b"
    r"|\bdowngrade\s+base\b|\bmanage\.py\s+(?:flush|reset_db|sqlflush)\b",
)
_DISK_REDIRECT_RE = lazy(r">\s*/dev/(?:sd[a-z]|nvme\d|hd[a-z]|xvd[a-z]|vd[a-z]|disk\d|mmcblk\d)")

_TRIGGER_RE = lazy(
    r"\b(?:rm|git|terraform|tofu|terragrunt|kubectl|oc|kubecolor|helm|aws|gcloud|gsutil|az|doctl|"
    r"oci|ibmcloud|hcloud|linode-cli|scw|exo|aliyun|eksctl|argocd|gh|heroku|flyctl|fly|vercel|"
    r"netlify|firebase|openstack|copilot|eb|cdk|serverless|sls|pulumi|docker|podman|nerdctl|"
    r"docker-compose|dd|mkfs|wipefs|shred|sgdisk|chmod|chown|kill|killall5|find|npm|pnpm|yarn|"
    r"gem|cargo|shutdown|reboot|halt|poweroff|systemctl|init|dropdb|mysqladmin|eval|ssh|su|"
    r"curl|wget|iex|Invoke-Expression|" + "|".join(sorted(SHELLS | SQL_CLIENTS)) + r")\b"
    r"|--no-verify|--force|--require-approval|:\s*\(\)|/dev/|db:|migrate|manage\.py|downgrade",
)


def scan_commands(
    lines: Iterable[tuple[int, str]],
    *,
    side: Side = "new",
    only: Container[int] | None = None,
) -> list[Signal]:
    """Dangerous commands in shell text given as ``(line number, text)`` pairs.

    Lines ending in ``\\``, ``|``, ``&&`` or ``||`` are joined with the next; comments, ``echo``'d
    text and heredocs fed to anything but a shell or a database client are not commands. When
    ``only`` is given, the other lines are context: they are read (continuations, heredocs,
    ``mktemp`` variables) but only commands touching a line in ``only`` are reported.
    """
    state = Scan()
    found: dict[tuple[str, int], Signal] = {}
    unit: list[int] = []
    parts: list[str] = []
    size = 0

    def report(numbers: list[int], hits: list[Hit]) -> None:
        if not hits or not numbers:
            return
        wanted = [n for n in numbers if only is None or n in only]
        if not wanted:
            return
        line = wanted[0]
        for code, severity, excerpt in hits:
            prev = found.get((code, line))
            if prev is not None and RANK[prev.severity] >= RANK[severity]:
                continue
            detail = f"{MEANINGS.get(code, 'runs a dangerous command')}: `{excerpt}`"
            found[(code, line)] = Signal(
                kind=DANGEROUS_COMMAND,
                code=code,
                detail=detail,
                line=line,
                side=side,
                severity=severity,
            )

    for number, raw in lines:
        text = raw[:MAX_COMMAND_CHARS].rstrip("\r\n")
        if state.heredoc is not None and not parts:
            report([number], _heredoc_line(text, state))
            continue
        if parts and text.lstrip().startswith("#"):
            continue  # a comment between continuation lines (Dockerfile RUN)
        unit.append(number)
        stripped = text.rstrip()
        if odd_backslash(stripped) and size < MAX_COMMAND_CHARS:
            parts.append(stripped[:-1])
            size += len(stripped)
            continue
        if CONTINUES_RE.search(stripped) and size < MAX_COMMAND_CHARS and not is_comment(stripped):
            parts.append(stripped + " ")
            size += len(stripped)
            continue
        parts.append(text)
        logical = "".join(parts)[:MAX_COMMAND_CHARS]
        report(unit, _logical_line(logical, state))
        unit, parts, size = [], [], 0
    if parts:
        report(unit, _logical_line("".join(parts)[:MAX_COMMAND_CHARS], state))
    return sorted(found.values(), key=lambda s: (s.line or 0, s.code))


def _heredoc_line(text: str, state: Scan) -> list[Hit]:
    assert state.heredoc is not None
    delimiter, strip_tabs, consumer = state.heredoc
    if (text.lstrip("\t") if strip_tabs else text).rstrip() == delimiter:
        state.heredoc = None
        return []
    if consumer == "sql":
        return [("cmd.sql_drop", "high", excerpt_of(text))] if _SQL_RE.search(text) else []
    if consumer == "shell":
        saved, state.heredoc = state.heredoc, None
        hits = _logical_line(text, state)
        if state.heredoc is None:
            state.heredoc = saved
        return hits
    return []


def _logical_line(text: str, state: Scan) -> list[Hit]:
    text = ci_expressions_as_words(text)
    code = strip_comment(text)
    if not code.strip():
        return []
    if "mktemp" in code:
        state.temp_vars.update(m.group(1) for m in _TEMPVAR_RE.finditer(code))
    hits = _command_hits(code, state, 0) if _TRIGGER_RE.search(code) else []
    if "<<" in code:
        _open_heredoc(code, state)
    return hits


def _command_hits(code: str, state: Scan, depth: int) -> list[Hit]:
    hits: list[Hit] = []
    if _FORK_BOMB_RE.search(code):
        hits.append(("cmd.fork_bomb", "high", excerpt_of(code)))
    if _DISK_REDIRECT_RE.search(mask_quoted(code)):
        hits.append(("cmd.disk_wipe", "high", excerpt_of(code)))
    if _SUBST_FETCH_RE.search(code):
        hits.append(("cmd.curl_pipe_shell", "medium", excerpt_of(code)))
    programs: list[str] = []
    previous = ""
    for text, piped in simple_commands(code):
        words, via_xargs = unwrap(shell_words(text))
        program = program_name(words)
        if piped and program in INTERPRETERS and programs and programs[-1] in FETCHERS:
            hits.append(("cmd.curl_pipe_shell", "medium", excerpt_of(f"{previous} | {text}")))
        programs.append(program)
        previous = text
        if not program:
            continue
        cmd = Cmd(words, program, text, via_xargs, state, depth)
        hits.extend(_classify(cmd))
        if "--" in words and program in _EXEC_CLIS and depth < _MAX_DEPTH:
            inner = words[words.index("--") + 1 :]
            if inner:
                hits.extend(_command_hits(shlex.join(inner), state, depth + 1))
                programs.append(program_name(inner))
    if any(p in SQL_CLIENTS for p in programs) and _SQL_RE.search(code):
        hits.append(("cmd.sql_drop", "high", excerpt_of(code)))
    return hits


_EXEC_CLIS = K8S_CLIS | word_set("docker podman nerdctl gcloud az aws")


def _classify(cmd: Cmd) -> list[Hit]:
    hits: list[Hit] = []
    handler = _HANDLERS.get(cmd.program)
    if handler is None and cmd.program.startswith("mkfs"):
        handler = disk_hits
    if handler is None and cmd.program in CLOUD_CLIS:
        handler = cloud_hits
    if handler is not None:
        hits.extend(handler(cmd))
    args = cmd.args
    if "--no-verify" in args:
        hits.append(cmd.hit("cmd.no_verify", "medium"))
    if cmd.program in DEPLOY_TOOLS and ("--force" in args or "--force=true" in args):
        hits.append(cmd.hit("cmd.force_deploy", "medium"))
    if any(a in ("--require-approval=never",) for a in args) or _pair(
        args, "--require-approval", "never"
    ):
        hits.append(cmd.hit("cmd.force_deploy", "medium"))
    if _DATA_DROP_RE.search(cmd.text):
        hits.append(cmd.hit("cmd.data_drop", "high"))
    return hits


def _pair(args: list[str], option: str, value: str) -> bool:
    return any(
        a == option and j + 1 < len(args) and args[j + 1] == value for j, a in enumerate(args)
    )


def _shell(cmd: Cmd) -> list[Hit]:
    if cmd.depth >= _MAX_DEPTH:
        return []
    args = cmd.args
    for j, a in enumerate(args):
        if a.startswith("-") and not a.startswith("--") and "c" in a[1:] and j + 1 < len(args):
            return _command_hits(args[j + 1], cmd.state, cmd.depth + 1)
        if not a.startswith("-"):
            break
    return []


def _eval(cmd: Cmd) -> list[Hit]:
    if cmd.depth >= _MAX_DEPTH or not cmd.args:
        return []
    return _command_hits(" ".join(cmd.args), cmd.state, cmd.depth + 1)


_SSH_VALUE_OPTS = word_set("-i -p -o -l -F -J -L -R -D -b -c -e -m -S -W -w -E -B -I -Q")


def _ssh(cmd: Cmd) -> list[Hit]:
    if cmd.depth >= _MAX_DEPTH:
        return []
    args = cmd.args
    j = 0
    while j < len(args) and args[j].startswith("-"):
        j += 2 if args[j] in _SSH_VALUE_OPTS else 1
    remote = args[j + 1 :]
    return _command_hits(" ".join(remote), cmd.state, cmd.depth + 1) if remote else []


def _su(cmd: Cmd) -> list[Hit]:
    args = cmd.args
    for j, a in enumerate(args):
        if a in ("-c", "--command") and j + 1 < len(args) and cmd.depth < _MAX_DEPTH:
            return _command_hits(args[j + 1], cmd.state, cmd.depth + 1)
    return []


_HANDLERS: dict[str, Callable[[Cmd], list[Hit]]] = {
    "rm": rm_hits,
    "git": git_hits,
    "terraform": terraform_hits,
    "tofu": terraform_hits,
    "terragrunt": terraform_hits,
    "pulumi": stack_hits,
    "cdk": stack_hits,
    "serverless": stack_hits,
    "sls": stack_hits,
    "kubectl": kubectl_hits,
    "oc": kubectl_hits,
    "kubecolor": kubectl_hits,
    "helm": helm_hits,
    "gsutil": gsutil_hits,
    "docker": docker_hits,
    "podman": docker_hits,
    "nerdctl": docker_hits,
    "docker-compose": docker_hits,
    "dd": dd_hits,
    "wipefs": disk_hits,
    "shred": disk_hits,
    "sgdisk": disk_hits,
    "chmod": chmod_hits,
    "chown": chown_hits,
    "kill": kill_hits,
    "killall5": kill_hits,
    "find": find_hits,
    "eval": _eval,
    "ssh": _ssh,
    "su": _su,
    "dropdb": dropdb_hits,
    "mysqladmin": dropdb_hits,
    "npm": packages_hits,
    "pnpm": packages_hits,
    "yarn": packages_hits,
    "gem": packages_hits,
    "cargo": packages_hits,
    "shutdown": power_hits,
    "reboot": power_hits,
    "halt": power_hits,
    "poweroff": power_hits,
    "systemctl": power_hits,
    "init": power_hits,
    **{name: _shell for name in SHELLS},
}


def _open_heredoc(code: str, state: Scan) -> None:
    masked = mask_quoted(code)
    m = _HEREDOC_RE.search(masked)
    if m is None:
        return
    w = _HEREDOC_WORD_RE.match(code, m.end())
    if w is None:
        return
    programs: set[str] = set()
    for text, _piped in simple_commands(code):
        words, _ = unwrap(shell_words(text))
        programs.add(program_name(words))
        if "--" in words:
            programs.add(program_name(unwrap(words[words.index("--") + 1 :])[0]))
    if programs & SQL_CLIENTS:
        consumer = "sql"
    elif programs & (SHELLS | {"ssh", "su", "eval"}):
        consumer = "shell"
    else:
        consumer = "doc"
    state.heredoc = (w.group(2), m.group(1) == "-", consumer)
