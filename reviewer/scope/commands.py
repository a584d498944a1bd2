"""Dangerous shell commands (``scan_commands``) and the scope of shell scripts, Dockerfiles, Makefiles."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Container, Iterable

from ..models import (
    CI_CD,
    DANGEROUS_COMMAND,
    DEPENDENCY,
    PERMISSION_WIDENING,
    Severity,
    Side,
    Signal,
    Symbol,
)
from ..record import field, record, replace
from ..rx import lazy
from .code import CodeSpec
from .code import analyze as analyze_code
from .engine import (
    Definition,
    FileContext,
    Partial,
    Segment,
    cosmetic_level,
    diff_definitions,
    digest,
    squash,
)

#: a logical command longer than this is scanned in its first part only (a 5 MB minified line)
MAX_COMMAND_CHARS = 65_536
#: how deep ``sh -c "..."``, ``eval``, ``ssh host ...`` and ``kubectl exec -- ...`` are followed
_MAX_DEPTH = 3

Hit = tuple[str, Severity, str]  # (code, severity, command excerpt)


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_RANK = {"low": 1, "medium": 2, "high": 3}

_WHAT: dict[str, str] = {
    "cmd.rm_rf": "deletes files recursively",
    "cmd.terraform_destroy": "destroys Terraform-managed infrastructure",
    "cmd.terraform_replace": "forces replacement of Terraform resources",
    "cmd.terraform_auto_approve": "applies Terraform changes without review",
    "cmd.terraform_state": "edits Terraform state directly",
    "cmd.terraform_workspace_delete": "deletes a Terraform workspace",
    "cmd.stack_destroy": "destroys a deployed stack",
    "cmd.kubectl_delete": "deletes Kubernetes objects",
    "cmd.kubectl_disrupt": "disrupts running Kubernetes workloads",
    "cmd.helm_uninstall": "uninstalls a Helm release",
    "cmd.git_force_push": "force-pushes, rewriting remote history",
    "cmd.git_delete_ref": "deletes a remote branch or tag",
    "cmd.git_discard": "discards local changes",
    "cmd.git_history_rewrite": "rewrites git history",
    "cmd.cloud_delete": "deletes cloud resources",
    "cmd.public_acl": "makes a cloud resource public",
    "cmd.sql_drop": "drops or empties database objects",
    "cmd.data_drop": "drops or resets a database",
    "cmd.disk_wipe": "overwrites a disk or filesystem",
    "cmd.chmod_world": "makes files world-writable",
    "cmd.chown_system": "changes ownership of system directories",
    "cmd.curl_pipe_shell": "runs a script downloaded from the network",
    "cmd.no_verify": "skips verification hooks",
    "cmd.force_deploy": "forces a deployment or publication",
    "cmd.unpublish": "removes a published package version",
    "cmd.docker_prune": "removes Docker images, volumes or data",
    "cmd.kill_all": "kills every process",
    "cmd.fork_bomb": "runs a fork bomb",
    "cmd.shutdown": "shuts down or reboots the machine",
}

# --- vocabulary ----------------------------------------------------------------------------------

_SHELLS = _set("sh bash zsh dash ksh ash fish mksh busybox")
_INTERPRETERS = _SHELLS | _set("python python3 perl ruby node pwsh powershell iex")
_FETCHERS = _set("curl wget fetch http https xh")
_SQL_CLIENTS = _set(
    "psql mysql mariadb sqlite3 sqlite sqlcmd cockroach clickhouse-client clickhouse mongo mongosh "
    "redis-cli bq snowsql cqlsh duckdb pgcli mycli usql trino presto sqlplus isql vsql influx "
    "mysqlsh spanner-cli"
)
_CLOUD_CLIS = _set(
    "aws gcloud az doctl oci ibmcloud hcloud linode-cli scw exo aliyun eksctl argocd gh heroku "
    "flyctl fly vercel netlify firebase openstack copilot eb"
)
_DEPLOY_TOOLS = _set(
    "helm kubectl oc firebase vercel netlify cdk serverless sls pulumi fly flyctl heroku npm pnpm "
    "yarn ansible-playbook argocd skaffold eb copilot cf kustomize"
)
_K8S_CLIS = _set("kubectl oc kubecolor")
_K8S_HIGH = _set(
    "namespace namespaces ns pv pvc persistentvolume persistentvolumes persistentvolumeclaim "
    "persistentvolumeclaims crd crds customresourcedefinition customresourcedefinitions node nodes "
    "statefulset statefulsets sts deployment deployments deploy service services svc secret "
    "secrets clusterrole clusterroles clusterrolebinding clusterrolebindings ingress ingresses "
    "storageclass storageclasses all"
)
_K8S_LOW = _set("pod pods po job jobs")
_SYSTEM_DIRS = _set(
    "/ /bin /boot /dev /etc /home /lib /lib32 /lib64 /media /mnt /opt /proc /root /run /sbin /srv "
    "/sys /usr /var /usr/bin /usr/sbin /usr/lib /usr/local /usr/local/bin /usr/share /var/lib "
    "/etc/ssl ~ $HOME"
)
#: directories a build or cache cleanup removes routinely
_SAFE_NAMES = _set(
    "build _build dist out target node_modules __pycache__ .cache cache tmp temp .tmp coverage "
    "htmlcov .pytest_cache .mypy_cache .ruff_cache .tox .nox .venv venv .eggs .next .nuxt "
    ".parcel-cache .terraform bin obj .gradle .npm .yarn .pnpm-store .m2 .sass-cache .turbo "
    "site public/build lib-cov .nyc_output .angular .svelte-kit .serverless .aws-sam cdk.out "
    "generated gen .docusaurus storybook-static"
)
_SAFE_PREFIXES = (
    "/tmp/",
    "/var/tmp/",
    "/var/cache/",
    "/var/lib/apt/lists",
    "/var/log/",
    "/usr/share/doc",
    "/usr/share/man",
    "/usr/share/locale",
    "/usr/share/info",
    "/usr/src/",
    "/root/.cache",
    "~/.cache",
    "/usr/local/share/.cache",
    "/var/lib/dpkg/info",
)
_ROOTISH = _set("/ /* /. /.* /** ~ ~/ ~/* ~/.* * . ./ ./* .* .. ../ ../* /..")

# --- regexes -------------------------------------------------------------------------------------

_ASSIGN_RE = lazy(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
_MASK_RE = lazy(r"\\.|'[^']*'|\"(?:[^\"\\]|\\.)*\"|\$\{[^}]*\}")
_COMMENT_RE = lazy(r"(?:^|(?<=[\s;&|(]))#")
_SEP_RE = lazy(r"\|\||&&|\|&|;;|\$\(|[;|()`\n]|(?<![<>&])&(?![>&])")
_HEREDOC_RE = lazy(r"<<(?!<)(-?)[ \t]*")
_HEREDOC_WORD_RE = lazy(r"(['\"]?)([A-Za-z0-9_.\-]+)\1")
_TEMPVAR_RE = lazy(r"\b([A-Za-z_]\w*)=[\"']?(?:\$\(|`)\s*(?:\S*/)?mktemp\b")
_LEADING_VAR_RE = lazy(
    r"\$(?:\{([A-Za-z_]\w*)(?::?[-=+][^}]*)?\}|([A-Za-z_]\w*)|\(([A-Za-z_]\w*)\))"
    r"|\{\{([^}]*)\}\}"  # a CI expression, as _gh_expr leaves it
)
#: variables and CI expressions that are never empty
_ALWAYS_SET_RE = lazy(r"^(?:PWD|GITHUB_WORKSPACE|CI_PROJECT_DIR|WORKSPACE|github\.|runner\.)")
_GUARDED_RE = lazy(r"\$\{[A-Za-z_]\w*:?\?[^}]*\}")
_TEMP_NAME_RE = lazy(r"te?mp", re.I)
_SAFE_GLOB_RE = lazy(r"^\*?\.(pyc|pyo|o|a|so|log|tmp|bak|swp|class|egg-info|orig|rej)$|~$")
_CONTINUES_RE = lazy(r"(?:&&|\|\||\|)\s*$")
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
_SHORT_FORCE_RE = lazy(r"-[a-zA-Z]*f[a-zA-Z]*")
_REPLICAS_ZERO_RE = lazy(r"--replicas[= ]0\b")

_TRIGGER_RE = lazy(
    r"\b(?:rm|git|terraform|tofu|terragrunt|kubectl|oc|kubecolor|helm|aws|gcloud|gsutil|az|doctl|"
    r"oci|ibmcloud|hcloud|linode-cli|scw|exo|aliyun|eksctl|argocd|gh|heroku|flyctl|fly|vercel|"
    r"netlify|firebase|openstack|copilot|eb|cdk|serverless|sls|pulumi|docker|podman|nerdctl|"
    r"docker-compose|dd|mkfs|wipefs|shred|sgdisk|chmod|chown|kill|killall5|find|npm|pnpm|yarn|"
    r"gem|cargo|shutdown|reboot|halt|poweroff|systemctl|init|dropdb|mysqladmin|eval|ssh|su|"
    r"curl|wget|iex|Invoke-Expression|" + "|".join(sorted(_SHELLS | _SQL_CLIENTS)) + r")\b"
    r"|--no-verify|--force|--require-approval|:\s*\(\)|/dev/|db:|migrate|manage\.py|downgrade",
)


@record(frozen=False, slots=False)
class _Scan:
    """State carried from line to line: mktemp directories and open heredocs."""

    temp_vars: set[str] = field(default_factory=set)
    #: (delimiter, strip leading tabs, consumer: "sql", "shell" or "doc")
    heredoc: tuple[str, bool, str] | None = None


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
    state = _Scan()
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
            if prev is not None and _RANK[prev.severity] >= _RANK[severity]:
                continue
            detail = f"{_WHAT.get(code, 'runs a dangerous command')}: `{excerpt}`"
            found[(code, line)] = Signal(
                DANGEROUS_COMMAND,
                code,
                detail,
                line,
                side,
                None,
                severity,
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
        if _odd_backslash(stripped) and size < MAX_COMMAND_CHARS:
            parts.append(stripped[:-1])
            size += len(stripped)
            continue
        if (
            _CONTINUES_RE.search(stripped)
            and size < MAX_COMMAND_CHARS
            and not _is_comment(stripped)
        ):
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


def _odd_backslash(text: str) -> bool:
    return text.endswith("\\") and (len(text) - len(text.rstrip("\\"))) % 2 == 1


def _is_comment(text: str) -> bool:
    return text.lstrip().startswith("#")


def _heredoc_line(text: str, state: _Scan) -> list[Hit]:
    assert state.heredoc is not None
    delimiter, strip_tabs, consumer = state.heredoc
    if (text.lstrip("\t") if strip_tabs else text).rstrip() == delimiter:
        state.heredoc = None
        return []
    if consumer == "sql":
        return [("cmd.sql_drop", "high", _excerpt(text))] if _SQL_RE.search(text) else []
    if consumer == "shell":
        saved, state.heredoc = state.heredoc, None
        hits = _logical_line(text, state)
        if state.heredoc is None:
            state.heredoc = saved
        return hits
    return []


def _logical_line(text: str, state: _Scan) -> list[Hit]:
    if "${{" in text:
        text = _GH_EXPR_RE.sub(_gh_expr, text)
    code = _strip_comment(text)
    if not code.strip():
        return []
    if "mktemp" in code:
        state.temp_vars.update(m.group(1) for m in _TEMPVAR_RE.finditer(code))
    hits = _command_hits(code, state, 0) if _TRIGGER_RE.search(code) else []
    if "<<" in code:
        _open_heredoc(code, state)
    return hits


# --- text helpers ------------------------------------------------------------------------------

_GH_EXPR_RE = lazy(r"\$\{\{\s*([^}]*?)\s*\}\}")


def _gh_expr(m: re.Match[str]) -> str:
    """A CI template expression (``${{ runner.temp }}``) as one shell word that is no variable."""
    word = "{{" + re.sub(r"\s+", "", m.group(1))[:60] + "}}"
    lower = word.lower()
    return "/tmp/" + word if "temp" in lower or "tmp" in lower else word


def _mask(text: str) -> str:
    """The text with quoted strings, escapes and ``${...}`` blanked out (same length)."""

    def blank(m: re.Match[str]) -> str:
        s = m.group(0)
        if len(s) <= 2:
            return "__"[: len(s)]
        return s[0] + "_" * (len(s) - 2) + s[-1]

    return _MASK_RE.sub(blank, text)


def _strip_comment(text: str) -> str:
    if "#" not in text:
        return text
    m = _COMMENT_RE.search(_mask(text))
    return text if m is None else text[: m.start()]


def _excerpt(text: str) -> str:
    out = " ".join(text.split()).replace("`", "'")
    return out if len(out) <= 80 else out[:77] + "..."


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return text.split()


def _segments(code: str) -> list[tuple[str, bool]]:
    """Simple commands of a logical line, each with whether it reads a pipe from the previous one."""
    masked = _mask(code)
    out: list[tuple[str, bool]] = []
    pos, piped = 0, False
    for m in _SEP_RE.finditer(masked):
        out.append((code[pos : m.start()], piped))
        piped = m.group(0) in ("|", "|&")
        pos = m.end()
    out.append((code[pos:], piped))
    return [(t, p) for t, p in out if t.strip()]


def _program(words: list[str]) -> str:
    if not words:
        return ""
    name = words[0].rsplit("/", 1)[-1].lower()
    return name[:-4] if name.endswith(".exe") else name


#: wrapper -> options that take a value
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": _set("-u -g -p -C -h -U -r -t -D -R"),
    "doas": _set("-u -C"),
    "env": _set("-u -C -S"),
    "nice": _set("-n"),
    "ionice": _set("-c -n -p"),
    "nohup": frozenset(),
    "time": frozenset(),
    "exec": _set("-a"),
    "command": frozenset(),
    "builtin": frozenset(),
    "stdbuf": _set("-i -o -e"),
    "timeout": _set("-s -k --signal --kill-after"),
    "xargs": _set("-I -n -P -L -d -E -s -a --max-args --max-procs --delimiter"),
    "caffeinate": frozenset(),
    "chronic": frozenset(),
}
_KEYWORDS = _set("{ } ( ) ! then do else elif if while until in")


def _unwrap(words: list[str]) -> tuple[list[str], bool]:
    """Drop keywords, ``VAR=value`` prefixes and wrappers (``sudo``, ``env``, ``xargs`` ...)."""
    i, via_xargs = 0, False
    n = len(words)
    while i < n:
        w = words[i]
        if w in _KEYWORDS or _ASSIGN_RE.match(w):
            i += 1
            continue
        base = w.rsplit("/", 1)[-1]
        takes = _WRAPPERS.get(base)
        if takes is None:
            break
        via_xargs = via_xargs or base == "xargs"
        i += 1
        while i < n and (
            words[i].startswith("-") or (base == "env" and _ASSIGN_RE.match(words[i]))
        ):
            i += 2 if words[i] in takes else 1
        if base == "timeout" and i < n:
            i += 1  # the duration
        if base == "xargs" and i < n and words[i] in ("-I",):
            i += 2
    return words[i:], via_xargs


def _split_opts(args: list[str]) -> tuple[list[str], list[str]]:
    opts: list[str] = []
    rest: list[str] = []
    for j, a in enumerate(args):
        if a == "--":
            rest.extend(args[j + 1 :])
            break
        if a.startswith("-") and len(a) > 1:
            opts.append(a)
        else:
            rest.append(a)
    return opts, rest


def _short_has(opts: list[str], letters: str) -> bool:
    return any(not o.startswith("--") and any(c in o[1:] for c in letters) for o in opts)


def _worst(levels: Iterable[Severity | None]) -> Severity | None:
    best: Severity | None = None
    for lv in levels:
        if lv is not None and (best is None or _RANK[lv] > _RANK[best]):
            best = lv
    return best


# --- classification ----------------------------------------------------------------------------


@record(frozen=False, slots=False)
class _Cmd:
    words: list[str]
    program: str
    text: str
    via_xargs: bool
    state: _Scan
    depth: int

    @property
    def args(self) -> list[str]:
        return self.words[1:]

    def hit(self, code: str, severity: Severity) -> Hit:
        return (code, severity, _excerpt(self.text))


def _command_hits(code: str, state: _Scan, depth: int) -> list[Hit]:
    hits: list[Hit] = []
    if _FORK_BOMB_RE.search(code):
        hits.append(("cmd.fork_bomb", "high", _excerpt(code)))
    if _DISK_REDIRECT_RE.search(_mask(code)):
        hits.append(("cmd.disk_wipe", "high", _excerpt(code)))
    if _SUBST_FETCH_RE.search(code):
        hits.append(("cmd.curl_pipe_shell", "medium", _excerpt(code)))
    programs: list[str] = []
    previous = ""
    for text, piped in _segments(code):
        words, via_xargs = _unwrap(_words(text))
        program = _program(words)
        if piped and program in _INTERPRETERS and programs and programs[-1] in _FETCHERS:
            hits.append(("cmd.curl_pipe_shell", "medium", _excerpt(f"{previous} | {text}")))
        programs.append(program)
        previous = text
        if not program:
            continue
        cmd = _Cmd(words, program, text, via_xargs, state, depth)
        hits.extend(_classify(cmd))
        if "--" in words and program in _EXEC_CLIS and depth < _MAX_DEPTH:
            inner = words[words.index("--") + 1 :]
            if inner:
                hits.extend(_command_hits(shlex.join(inner), state, depth + 1))
                programs.append(_program(inner))
    if any(p in _SQL_CLIENTS for p in programs) and _SQL_RE.search(code):
        hits.append(("cmd.sql_drop", "high", _excerpt(code)))
    return hits


_EXEC_CLIS = _K8S_CLIS | _set("docker podman nerdctl gcloud az aws")


def _classify(cmd: _Cmd) -> list[Hit]:
    hits: list[Hit] = []
    handler = _HANDLERS.get(cmd.program)
    if handler is None and cmd.program.startswith("mkfs"):
        handler = _disk
    if handler is None and cmd.program in _CLOUD_CLIS:
        handler = _cloud
    if handler is not None:
        hits.extend(handler(cmd))
    args = cmd.args
    if "--no-verify" in args:
        hits.append(cmd.hit("cmd.no_verify", "medium"))
    if cmd.program in _DEPLOY_TOOLS and ("--force" in args or "--force=true" in args):
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


def _rm(cmd: _Cmd) -> list[Hit]:
    opts, targets = _split_opts(cmd.args)
    recursive = "--recursive" in opts or _short_has(opts, "rR")
    if not recursive:
        return []
    if "--no-preserve-root" in opts:
        return [cmd.hit("cmd.rm_rf", "high")]
    if not targets:
        return [cmd.hit("cmd.rm_rf", "medium")] if cmd.via_xargs else []
    level = _worst(_rm_target_level(t, cmd.state.temp_vars) for t in targets)
    return [] if level is None else [cmd.hit("cmd.rm_rf", level)]


def _rm_target_level(target: str, temp_vars: set[str]) -> Severity | None:
    t = _GUARDED_RE.sub("guarded", target.strip())
    if not t:
        return None
    m = _LEADING_VAR_RE.match(t)
    if m is None:
        return _path_level(t)
    name = m.group(1) or m.group(2) or m.group(3) or m.group(4) or ""
    rest = t[m.end() :]
    if name == "HOME":
        return _path_level("~" + rest)
    if name in temp_vars:
        return None
    if _ALWAYS_SET_RE.match(name):
        # a workspace directory: emptying it is not wiping the machine
        return "medium" if rest.strip("/*.") == "" else _path_level(rest.lstrip("/"))
    if not rest:
        return None if _TEMP_NAME_RE.search(name) or _safe_var(name) else "medium"
    if rest in _ROOTISH or rest.rstrip("/") == "" or rest.startswith("/*"):
        return "high"  # an empty or unset variable makes this the root directory
    if _TEMP_NAME_RE.search(name):
        return None
    return _path_level(rest.lstrip("/"))


#: words in a variable's name that say it holds build output
_SAFE_VAR_WORDS = _set("build dist cache tmp temp coverage venv artifacts artefacts")


def _safe_var(name: str) -> bool:
    return any(part in _SAFE_VAR_WORDS for part in re.split(r"[_\-]", name.lower()))


def _path_level(path: str) -> Severity | None:
    if path in _ROOTISH:
        return "high"
    norm = path
    while norm.endswith(("/*", "/")) and len(norm) > 1:
        norm = norm[:-2] if norm.endswith("/*") else norm[:-1]
    if norm in _SYSTEM_DIRS or norm in _ROOTISH:
        return "high"
    if path.startswith(_SAFE_PREFIXES) or norm in ("/tmp", "/var/tmp"):
        return None
    comps = [c for c in path.split("/") if c not in ("", ".", "*")]
    for c in comps:
        low = c.lower()
        if low in _SAFE_NAMES or _SAFE_GLOB_RE.search(low) or low.endswith(".egg-info"):
            return None
        if _TEMP_NAME_RE.fullmatch(low) or low.startswith(("tmp", "temp")):
            return None
    return "medium"


def _git(cmd: _Cmd) -> list[Hit]:
    args = cmd.args
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in ("-C", "-c") else 1
    if i >= len(args):
        return []
    sub, rest = args[i], args[i + 1 :]
    opts, positional = _split_opts(rest)
    if sub == "push":
        if (
            "--mirror" in opts
            or "--force" in opts
            or any(_SHORT_FORCE_RE.fullmatch(o) for o in opts if not o.startswith("--"))
            or any(p.startswith("+") and len(p) > 1 for p in positional)
        ):
            return [cmd.hit("cmd.git_force_push", "high")]
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
    if sub == "clean" and ("--force" in opts or _short_has(opts, "f")) and _short_has(opts, "dxX"):
        return [cmd.hit("cmd.git_discard", "medium")]
    if sub in ("filter-branch", "filter-repo"):
        return [cmd.hit("cmd.git_history_rewrite", "medium")]
    if sub == "commit" and any(
        o == "-n" or (not o.startswith("--") and "n" in o[1:] and len(o) <= 4) for o in opts
    ):
        return [cmd.hit("cmd.no_verify", "medium")]
    return []


def _terraform(cmd: _Cmd) -> list[Hit]:
    _opts, positional = _split_opts(cmd.args)
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


def _stack(cmd: _Cmd) -> list[Hit]:
    _opts, positional = _split_opts(cmd.args)
    first = positional[0] if positional else ""
    second = positional[1] if len(positional) > 1 else ""
    if first in ("destroy", "remove") or (first == "stack" and second in ("rm", "remove")):
        return [cmd.hit("cmd.stack_destroy", "high")]
    return []


_K8S_VALUE_OPTS = _set(
    "-n --namespace --context --kubeconfig -s --server --cluster --user --token -l --selector "
    "-o --output --field-selector -c --container --grace-period --timeout"
)


def _positional(args: list[str], value_opts: frozenset[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "--":
            break
        if a.startswith("-"):
            skip = a in value_opts
            continue
        out.append(a)
    return out


def _kubectl(cmd: _Cmd) -> list[Hit]:
    args = cmd.args
    positional = _positional(args, _K8S_VALUE_OPTS)
    if not positional:
        return []
    sub = positional[0]
    if sub == "delete":
        if any(a in ("--all", "-A", "--all-namespaces") for a in args):
            return [cmd.hit("cmd.kubectl_delete", "high")]
        types = [t.lower() for w in positional[1:2] for t in re.split(r"[,/]", w) if t]
        if any(t.split(".")[0] in _K8S_HIGH for t in types):
            return [cmd.hit("cmd.kubectl_delete", "high")]
        if types and all(t.split(".")[0] in _K8S_LOW for t in types):
            return [cmd.hit("cmd.kubectl_delete", "low")]
        return [cmd.hit("cmd.kubectl_delete", "medium")]
    if sub == "drain":
        return [cmd.hit("cmd.kubectl_disrupt", "medium")]
    if sub == "scale" and _REPLICAS_ZERO_RE.search(" ".join(args)):
        return [cmd.hit("cmd.kubectl_disrupt", "medium")]
    if sub == "apply" and any(a.startswith("--prune") for a in args):
        return [cmd.hit("cmd.kubectl_delete", "medium")]
    return []


def _helm(cmd: _Cmd) -> list[Hit]:
    positional = _positional(cmd.args, _K8S_VALUE_OPTS)
    if positional and positional[0] in ("uninstall", "delete", "del", "un"):
        return [cmd.hit("cmd.helm_uninstall", "high")]
    return []


def _cloud(cmd: _Cmd) -> list[Hit]:
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
            level = _worst([level, "high" if force else "medium"])
        elif w in ("rm", "remove"):
            level = _worst([level, "high" if recursive else "medium"])
        elif w.startswith("remove-") or (w == "sync" and "--delete" in args):
            level = _worst([level, "medium"])
    if level is not None:
        hits.append(cmd.hit("cmd.cloud_delete", level))
    joined = " ".join(args)
    if re.search(r"public-read|allUsers|allAuthenticatedUsers|AllUsers", joined):
        hits.append(cmd.hit("cmd.public_acl", "high"))
    return hits


def _gsutil(cmd: _Cmd) -> list[Hit]:
    positional = _positional(cmd.args, frozenset({"-o", "-h", "-u"}))
    opts = [a for a in cmd.args if a.startswith("-")]
    hits: list[Hit] = []
    if positional and positional[0] == "rm":
        deep = any(o in ("-r", "-R", "-a", "--recursive") or _short_has([o], "rRa") for o in opts)
        hits.append(cmd.hit("cmd.cloud_delete", "high" if deep else "medium"))
    elif positional and positional[0] == "rb":
        hits.append(cmd.hit("cmd.cloud_delete", "high"))
    if any(re.search(r"allUsers|AllUsers|public-read", a) for a in cmd.args):
        hits.append(cmd.hit("cmd.public_acl", "high"))
    return hits


def _docker(cmd: _Cmd) -> list[Hit]:
    positional = _positional(
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
            a in ("-a", "--all", "--volumes") or _short_has([a], "a")
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


def _dd(cmd: _Cmd) -> list[Hit]:
    for a in cmd.args:
        if a.startswith("of=/dev/") and not re.match(
            r"of=/dev/(null|zero|stdout|stderr|fd/|tty)", a
        ):
            return [cmd.hit("cmd.disk_wipe", "high")]
    return []


def _disk(cmd: _Cmd) -> list[Hit]:
    if cmd.program == "shred" and not any(a.startswith("/dev/") for a in cmd.args):
        return []
    if cmd.program == "sgdisk" and not any(
        a in ("--zap-all", "-Z", "--clear", "-o") for a in cmd.args
    ):
        return []
    return [cmd.hit("cmd.disk_wipe", "high")]


_WORLD_SYMBOLIC_RE = lazy(r"(?:^|,)[ugo]*[ao][ugo]*[+=][rwxXst]*w|(?:^|,)a?[+=][rwxXst]*w.*$")


def _chmod(cmd: _Cmd) -> list[Hit]:
    opts, rest = _split_opts(cmd.args)
    if not rest:
        return []
    mode, targets = rest[0], rest[1:]
    recursive = "--recursive" in opts or _short_has(opts, "R")
    if re.fullmatch(r"[0-7]{3,4}", mode):
        world = mode[-1] in "2367"
        if len(mode) == 4 and mode[0] in "1357":
            return []  # sticky bit: a shared temp directory
    else:
        world = bool(re.search(r"(?:^|,)[ugo]*[ao][ugo]*[+=][rwxXst]*w", mode))
    if not world:
        return []
    if targets and all(_path_level(t) is None for t in targets):
        return []
    return [cmd.hit("cmd.chmod_world", "high" if recursive else "medium")]


def _chown(cmd: _Cmd) -> list[Hit]:
    opts, rest = _split_opts(cmd.args)
    if not ("--recursive" in opts or _short_has(opts, "R")) or len(rest) < 2:
        return []
    for t in rest[1:]:
        norm = t.rstrip("/*") or "/"
        if norm in _SYSTEM_DIRS:
            return [cmd.hit("cmd.chown_system", "high")]
    return []


def _kill(cmd: _Cmd) -> list[Hit]:
    if cmd.program == "killall5":
        return [cmd.hit("cmd.kill_all", "high")]
    args = cmd.args
    if len(args) >= 2 and args[-1] == "-1":
        return [cmd.hit("cmd.kill_all", "high")]
    return []


def _find(cmd: _Cmd) -> list[Hit]:
    args = cmd.args
    deletes = "-delete" in args or any(
        a in ("-exec", "-execdir") and j + 1 < len(args) and _program(args[j + 1 :]) == "rm"
        for j, a in enumerate(args)
    )
    if not deletes:
        return []
    roots = []
    for a in args:
        if a.startswith(("-", "(", "!")):
            break
        roots.append(a)
    # deleting matches under the working directory is routine; under / or ~ it is not
    wide = [
        r
        for r in roots
        if r not in (".", "./") and _rm_target_level(r, cmd.state.temp_vars) == "high"
    ]
    if not wide:
        return []
    filtered = any(a in _FIND_FILTERS for a in args)
    return [cmd.hit("cmd.rm_rf", "medium" if filtered else "high")]


_FIND_FILTERS = _set(
    "-name -iname -path -ipath -regex -iregex -newer -mtime -mmin -atime -amin -ctime -user "
    "-group -size -empty -wholename"
)


def _shell(cmd: _Cmd) -> list[Hit]:
    if cmd.depth >= _MAX_DEPTH:
        return []
    args = cmd.args
    for j, a in enumerate(args):
        if a.startswith("-") and not a.startswith("--") and "c" in a[1:] and j + 1 < len(args):
            return _command_hits(args[j + 1], cmd.state, cmd.depth + 1)
        if not a.startswith("-"):
            break
    return []


def _eval(cmd: _Cmd) -> list[Hit]:
    if cmd.depth >= _MAX_DEPTH or not cmd.args:
        return []
    return _command_hits(" ".join(cmd.args), cmd.state, cmd.depth + 1)


_SSH_VALUE_OPTS = _set("-i -p -o -l -F -J -L -R -D -b -c -e -m -S -W -w -E -B -I -Q")


def _ssh(cmd: _Cmd) -> list[Hit]:
    if cmd.depth >= _MAX_DEPTH:
        return []
    args = cmd.args
    j = 0
    while j < len(args) and args[j].startswith("-"):
        j += 2 if args[j] in _SSH_VALUE_OPTS else 1
    remote = args[j + 1 :]
    return _command_hits(" ".join(remote), cmd.state, cmd.depth + 1) if remote else []


def _su(cmd: _Cmd) -> list[Hit]:
    args = cmd.args
    for j, a in enumerate(args):
        if a in ("-c", "--command") and j + 1 < len(args) and cmd.depth < _MAX_DEPTH:
            return _command_hits(args[j + 1], cmd.state, cmd.depth + 1)
    return []


def _dropdb(cmd: _Cmd) -> list[Hit]:
    if cmd.program == "mysqladmin" and "drop" not in cmd.args:
        return []
    return [cmd.hit("cmd.sql_drop", "high")]


def _packages(cmd: _Cmd) -> list[Hit]:
    positional = _positional(cmd.args, frozenset())
    if positional and positional[0] in ("unpublish", "yank"):
        return [cmd.hit("cmd.unpublish", "high")]
    return []


def _power(cmd: _Cmd) -> list[Hit]:
    if cmd.program == "systemctl" and not (set(cmd.args) & {"poweroff", "reboot", "halt", "kexec"}):
        return []
    if cmd.program == "init" and not (set(cmd.args) & {"0", "6"}):
        return []
    return [cmd.hit("cmd.shutdown", "medium")]


_HANDLERS: dict[str, Callable[[_Cmd], list[Hit]]] = {
    "rm": _rm,
    "git": _git,
    "terraform": _terraform,
    "tofu": _terraform,
    "terragrunt": _terraform,
    "pulumi": _stack,
    "cdk": _stack,
    "serverless": _stack,
    "sls": _stack,
    "kubectl": _kubectl,
    "oc": _kubectl,
    "kubecolor": _kubectl,
    "helm": _helm,
    "gsutil": _gsutil,
    "docker": _docker,
    "podman": _docker,
    "nerdctl": _docker,
    "docker-compose": _docker,
    "dd": _dd,
    "wipefs": _disk,
    "shred": _disk,
    "sgdisk": _disk,
    "chmod": _chmod,
    "chown": _chown,
    "kill": _kill,
    "killall5": _kill,
    "find": _find,
    "eval": _eval,
    "ssh": _ssh,
    "su": _su,
    "dropdb": _dropdb,
    "mysqladmin": _dropdb,
    "npm": _packages,
    "pnpm": _packages,
    "yarn": _packages,
    "gem": _packages,
    "cargo": _packages,
    "shutdown": _power,
    "reboot": _power,
    "halt": _power,
    "poweroff": _power,
    "systemctl": _power,
    "init": _power,
    **{name: _shell for name in _SHELLS},
}


def _open_heredoc(code: str, state: _Scan) -> None:
    masked = _mask(code)
    m = _HEREDOC_RE.search(masked)
    if m is None:
        return
    w = _HEREDOC_WORD_RE.match(code, m.end())
    if w is None:
        return
    programs: set[str] = set()
    for text, _piped in _segments(code):
        words, _ = _unwrap(_words(text))
        programs.add(_program(words))
        if "--" in words:
            programs.add(_program(_unwrap(words[words.index("--") + 1 :])[0]))
    if programs & _SQL_CLIENTS:
        consumer = "sql"
    elif programs & (_SHELLS | {"ssh", "su", "eval"}):
        consumer = "shell"
    else:
        consumer = "doc"
    state.heredoc = (w.group(2), m.group(1) == "-", consumer)


# --- analyzers -----------------------------------------------------------------------------------


def analyze(ctx: FileContext) -> Partial:
    if ctx.language == "dockerfile":
        return _analyze_dockerfile(ctx)
    if ctx.language == "make":
        return _analyze_makefile(ctx)
    return _analyze_shell(ctx)


def segment_lines(seg: Segment) -> list[tuple[int, str]]:
    """The real lines of a segment, numbered (a hunk's heading row left out)."""
    out: list[tuple[int, str]] = []
    for row, text in enumerate(seg.text.split("\n")):
        line = seg.line_of(row)
        if line is not None:
            out.append((line, text))
    return out


def _line_comments(ctx: FileContext) -> tuple[dict[int, list[tuple[int, int]]], ...]:
    """Whole-line ``#`` comments of the changed lines, as spans for ``cosmetic_level``."""
    return tuple(
        {n: [(0, 1 << 30)] for n, t in ctx.changed(side).items() if t.lstrip().startswith("#")}
        for side in ("old", "new")
    )


# -- shell --------------------------------------------------------------------------------------

_BASH = CodeSpec(
    grammar="bash",
    definitions="(function_definition name: (word) @name) @def",
    kinds={"function_definition": "function"},
    # shell has no nesting or visibility to speak of, and a hunk heading such as `build() {`
    # makes later functions of the fragment look nested: leave both notions out
    comments="(comment) @c",
    strings="(string) @s (raw_string) @s",
)


def _analyze_shell(ctx: FileContext) -> Partial:
    part = analyze_code(ctx, _BASH)
    for seg in ctx.segments("new"):
        part.signals.extend(scan_commands(segment_lines(seg), only=ctx.added))
    return part


# -- Dockerfile ---------------------------------------------------------------------------------

_DOCKER_KEYWORDS = _set(
    "FROM RUN CMD LABEL MAINTAINER EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD "
    "STOPSIGNAL HEALTHCHECK SHELL"
)
_INSTR_RE = lazy(r"^\s*([A-Za-z]+)(?=\s|$)")
_DOCKER_HEREDOC_RE = lazy(r"<<-?\s*([\"']?)([A-Za-z_][\w.-]*)\1")
_RUN_PREFIX_RE = lazy(r"^\s*(?:ONBUILD\s+)?(?:RUN|CMD|ENTRYPOINT)\s+(?:--\S+\s+)*", re.I)
_FROM_RE = lazy(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", re.I)
_USER_RE = lazy(r"^\s*USER\s+(\S+)", re.I)
_VERSION_ARG_RE = lazy(
    r"^\s*(?:ARG|ENV)\s+([A-Za-z_]*VERSION[A-Za-z_]*)[= ]\s*[\"']?([^\s\"']+)", re.I
)
_COMMAND_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "ONBUILD"})
#: language images whose minor version is a runtime release (python 3.11 -> 3.12)
_MINOR_RUNTIMES = _set("python golang go ruby php elixir erlang perl pypy julia")


@record(frozen=False, slots=False)
class _Instr:
    keyword: str
    lines: list[tuple[int, str]]
    heredoc: str | None = None  # BuildKit heredoc body follows until this word


def _continues_docker(text: str) -> bool:
    s = text.rstrip()
    return _odd_backslash(s)


def _instructions(seg: Segment) -> list[_Instr]:
    out: list[_Instr] = []
    current: _Instr | None = None
    cont = False
    heading_kw: str | None = None
    for row, text in enumerate(seg.text.split("\n")):
        line = seg.line_of(row)
        if line is None:
            m = _INSTR_RE.match(text)
            if m and m.group(1).upper() in _DOCKER_KEYWORDS:
                heading_kw = m.group(1).upper()
            continue
        stripped = text.strip()
        if current is not None and current.heredoc is not None:
            current.lines.append((line, text))
            if stripped == current.heredoc:
                current.heredoc = None
            continue
        if cont and current is not None:
            if not stripped.startswith("#"):
                current.lines.append((line, text))
                cont = _continues_docker(text)
            continue
        if not stripped or stripped.startswith("#"):
            continue
        m = _INSTR_RE.match(text)
        keyword = m.group(1).upper() if m else ""
        if keyword in _DOCKER_KEYWORDS:
            current = _Instr(keyword, [(line, text)])
            out.append(current)
            h = _DOCKER_HEREDOC_RE.search(text)
            if h is not None:
                current.heredoc = h.group(2)
        elif current is None:
            # a fragment that starts inside an instruction: the hunk heading names it, or guess RUN
            current = _Instr(heading_kw or "RUN", [(line, text)])
            out.append(current)
        else:
            current.lines.append((line, text))
        cont = _continues_docker(text)
    return out


def _command_lines(instr: _Instr) -> list[tuple[int, str]]:
    """The shell text of a RUN/CMD/ENTRYPOINT instruction, line by line."""
    (first, head), rest = instr.lines[0], instr.lines[1:]
    if instr.keyword == "ONBUILD" and not re.match(r"^\s*ONBUILD\s+RUN\b", head, re.I):
        return []
    body = _RUN_PREFIX_RE.sub("", head, count=1) if _RUN_PREFIX_RE.match(head) else head
    if body.lstrip().startswith("["):
        joined = " ".join([body] + [t.rstrip("\\") for _n, t in rest])
        return [(first, _exec_form(joined))]
    h = _DOCKER_HEREDOC_RE.match(body.strip())
    if h is not None:  # RUN <<EOF: the body is the script
        return [(n, t) for n, t in rest if t.strip() != h.group(2)]
    return [(first, body), *rest]


def _exec_form(text: str) -> str:
    try:
        value = json.loads(text)
    except ValueError:
        return text.strip("[] ")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return text.strip("[] ")
    if len(value) >= 3 and _program(value) in _SHELLS and value[1] in ("-c", "-ec", "-exc"):
        return str(value[2])
    return shlex.join(value)


@record(slots=False)
class _From:
    line: int
    repo: str
    tag: str
    digest: str
    alias: str


def _split_image(ref: str) -> tuple[str, str, str]:
    ref, _, dig = ref.partition("@")
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1 :], dig
    return ref, "", dig


def _froms(ctx: FileContext, side: Side) -> list[_From]:
    changed = ctx.changed(side)
    out: list[_From] = []
    for n in ctx.changed_sorted(side):
        m = _FROM_RE.match(changed[n])
        if m is None:
            continue
        repo, tag, dig = _split_image(m.group(1))
        out.append(_From(n, repo, tag, dig, m.group(2) or ""))
    return out


def _pair_froms(old: list[_From], new: list[_From]) -> list[tuple[_From | None, _From | None]]:
    pairs: list[tuple[_From | None, _From | None]] = []
    old_left = list(old)
    new_left: list[_From] = []
    for n in new:
        match = next((o for o in old_left if n.alias and o.alias == n.alias), None)
        match = match or next((o for o in old_left if o.repo == n.repo), None)
        if match is None:
            new_left.append(n)
            continue
        old_left.remove(match)
        pairs.append((match, n))
    # what is left pairs up in order: a FROM line whose image was replaced
    while old_left and new_left:
        pairs.append((old_left.pop(0), new_left.pop(0)))
    pairs.extend((o, None) for o in old_left)
    pairs.extend((None, n) for n in new_left)
    return pairs


def _image_change(o: _From, n: _From) -> Signal | None:
    from .lex.versions import compare_versions

    if o.repo != n.repo:
        return Signal(
            DEPENDENCY,
            "docker.base_image_major",
            f"replaces base image `{o.repo}` with `{n.repo}`",
            n.line,
            "new",
            n.repo,
            "medium",
        )
    if (o.tag, o.digest) == (n.tag, n.digest):
        return None
    old_v, new_v = o.tag or "latest", n.tag or "latest"
    name = n.repo.rsplit("/", 1)[-1]
    if old_v == new_v:
        level: str | None = "minor"  # only the digest moved
    elif new_v == "latest" or not n.tag:
        level = "major"
    else:
        significant = 2 if name in _MINOR_RUNTIMES else 1
        level = compare_versions(old_v, new_v, significant=significant, variants=True)
    if level is None:
        return None
    shown = f"`{n.repo}` from `{old_v}` to `{new_v}`"
    if level == "major":
        return Signal(
            DEPENDENCY,
            "docker.base_image_major",
            f"changes base image {shown}",
            n.line,
            "new",
            n.repo,
            "medium",
        )
    return Signal(
        DEPENDENCY, "docker.base_image", f"updates base image {shown}", n.line, "new", n.repo, "low"
    )


def _analyze_dockerfile(ctx: FileContext) -> Partial:
    part = Partial()
    old_froms, new_froms = _froms(ctx, "old"), _froms(ctx, "new")
    for o, n in _pair_froms(old_froms, new_froms):
        if o is not None and n is not None:
            if o.repo == n.repo:
                part.symbols.append(Symbol("image", n.repo, "modified", n.line))
            else:
                part.symbols.append(Symbol("image", n.repo, "added", n.line))
                part.symbols.append(Symbol("image", o.repo, "deleted", o.line))
            sig = _image_change(o, n)
            if sig is not None:
                part.signals.append(sig)
        elif n is not None:
            part.symbols.append(Symbol("image", n.repo, "added", n.line))
        elif o is not None:
            part.symbols.append(Symbol("image", o.repo, "deleted", o.line))
    old_alias = {f.alias: f for f in old_froms if f.alias}
    new_alias = {f.alias: f for f in new_froms if f.alias}
    for alias, f in new_alias.items():
        part.symbols.append(
            Symbol("stage", alias, "modified" if alias in old_alias else "added", f.line)
        )
    for alias, f in old_alias.items():
        if alias not in new_alias:
            part.symbols.append(Symbol("stage", alias, "deleted", f.line))

    # keyword -> side -> (changed lines, whether every touched instruction is wholly new/gone)
    touched: dict[str, dict[Side, tuple[list[int], bool]]] = {}
    sides: tuple[Side, Side] = ("old", "new")
    for side in sides:
        changed = ctx.changed(side)
        for seg in ctx.segments(side):
            for instr in _instructions(seg):
                lines = [n for n, t in instr.lines if n in changed and t.strip()]
                if not lines:
                    continue
                whole = instr.lines[0][0] in changed
                seen, all_whole = touched.setdefault(instr.keyword, {}).get(side, ([], True))
                touched[instr.keyword][side] = (seen + lines, all_whole and whole)
                if side == "new" and instr.keyword in _COMMAND_KEYWORDS:
                    found = scan_commands(_command_lines(instr), only=changed)
                    part.signals.extend(_in_image_build(found))
    for keyword, by_side in touched.items():
        new_lines, new_whole = by_side.get("new", ([], False))
        old_lines, old_whole = by_side.get("old", ([], False))
        if new_lines and not old_lines and new_whole:
            change = "added"
        elif old_lines and not new_lines and old_whole:
            change = "deleted"
        else:
            change = "modified"
        part.symbols.append(
            Symbol("instruction", keyword, change, min(new_lines) if new_lines else min(old_lines))  # type: ignore[arg-type]
        )
    part.signals.extend(_user_signals(ctx))
    for number, text in sorted(ctx.added.items()):
        m = _VERSION_ARG_RE.match(text)
        if m is not None:
            part.signals.extend(_version_arg(ctx, m.group(1), m.group(2), number))
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                CI_CD,
                "docker.deleted",
                f"deletes the image build `{ctx.path}`",
                None,
                "old",
                None,
                "medium",
            )
        )
    part.symbols.sort(key=lambda s: (s.line or 0, s.kind, s.name))
    part.cosmetic = cosmetic_level(ctx, _line_comments(ctx))  # type: ignore[arg-type]
    return part


#: commands that only touch the image being built when a RUN step runs them
_BUILD_LOCAL = frozenset({"cmd.rm_rf", "cmd.git_discard", "cmd.docker_prune", "cmd.chown_system"})


def _in_image_build(signals: list[Signal]) -> list[Signal]:
    """Deleting files inside an image layer destroys nothing outside it: keep only the blatant."""
    out: list[Signal] = []
    for sig in signals:
        if sig.code in _BUILD_LOCAL:
            if sig.severity != "high":
                continue
            sig = replace(sig, severity="medium")
        out.append(sig)
    return out


def _is_root(user: str) -> bool:
    return user.split(":", 1)[0].strip("\"'") in ("root", "0")


def _user_signals(ctx: FileContext) -> list[Signal]:
    added = [(n, m.group(1)) for n, t in sorted(ctx.added.items()) if (m := _USER_RE.match(t))]
    removed = [(n, m.group(1)) for n, t in sorted(ctx.removed.items()) if (m := _USER_RE.match(t))]
    out: list[Signal] = []
    for n, user in added:
        if _is_root(user):
            out.append(
                Signal(
                    PERMISSION_WIDENING,
                    "docker.user_root",
                    "runs the image as `root`",
                    n,
                    "new",
                    None,
                    "medium",
                )
            )
    if not added and ctx.status != "deleted":
        for n, user in removed:
            if not _is_root(user):
                out.append(
                    Signal(
                        PERMISSION_WIDENING,
                        "docker.user_root",
                        f"removes `USER {user}`, so the image runs as `root`",
                        n,
                        "old",
                        None,
                        "medium",
                    )
                )
    return out


def _version_arg(ctx: FileContext, name: str, value: str, line: int) -> list[Signal]:
    from .lex.versions import compare_versions

    for text in ctx.removed.values():
        m = _VERSION_ARG_RE.match(text)
        if m is None or m.group(1) != name:
            continue
        if compare_versions(m.group(2), value, significant=1) == "major":
            return [
                Signal(
                    DEPENDENCY,
                    "docker.version_major",
                    f"changes `{name}` from `{m.group(2)}` to `{value}`",
                    line,
                    "new",
                    name,
                    "medium",
                )
            ]
    return []


# -- Makefile -----------------------------------------------------------------------------------

_MAKE_ASSIGN_RE = lazy(
    r"^(?:export\s+|override\s+)?([A-Za-z_][\w.-]*)\s*(?::{1,3}=|\?=|\+=|!=|=)\s*(.*)$"
)
_MAKE_TARGET_RE = lazy(r"^([^\s#:=][^:=#]*?)\s*(::?)(?![=:])(.*)$")
_MAKE_DIRECTIVE_RE = lazy(
    r"^\s*(?:ifeq|ifneq|ifdef|ifndef|else|endif|include|-include|sinclude|define|endef|export|"
    r"unexport|override|vpath)\b"
)
_MAKE_VAR_RE = lazy(r"\$\(([A-Za-z_][\w.-]*)\)")
_RELEASE_TARGET_RE = lazy(
    r"(?:^|[-_/.])(?:release|deploy|publish|upload|ship|rollout|promote|push|destroy|teardown)"
    r"(?:[-_/.]|$)",
    re.I,
)


@record(frozen=False, slots=False)
class _MakeFile:
    defs: list[Definition] = field(default_factory=list)
    recipes: list[tuple[int, str]] = field(default_factory=list)


def _make_recipe(text: str) -> str:
    body = text.lstrip("\t").lstrip("@+- ")
    return _MAKE_VAR_RE.sub(r"${\1}", body.replace("$$", "$"))


def _parse_make(seg: Segment) -> _MakeFile:
    out = _MakeFile()
    open_defs: list[Definition] = []
    in_define = False
    cont = False
    recipe_bodies: dict[int, list[str]] = {}
    for row, text in enumerate(seg.text.split("\n")):
        line = seg.clamp_line(row)
        real = seg.line_of(row) is not None
        if in_define:
            in_define = not text.strip().startswith("endef")
            continue
        if text.startswith("\t") or (cont and open_defs):
            if real:
                out.recipes.append((line, _make_recipe(text)))
            for d in open_defs:
                d.end = line
                recipe_bodies.setdefault(id(d), []).append(text.strip())
            cont = _odd_backslash(text.rstrip())
            continue
        cont = False
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("define "):
            in_define = True
            continue
        for d in open_defs:
            d.digest = digest("\n".join(recipe_bodies.get(id(d), [])))
        open_defs = []
        if _MAKE_DIRECTIVE_RE.match(text):
            continue
        assign = _MAKE_ASSIGN_RE.match(text)
        if assign is not None:
            out.defs.append(
                Definition(
                    "variable",
                    assign.group(1),
                    line,
                    line,
                    line,
                    "",
                    digest(assign.group(2)),
                    None,
                    virtual=not real,
                )
            )
            continue
        target = _MAKE_TARGET_RE.match(text)
        if target is None:
            continue
        prereqs = target.group(3).split(";", 1)[0]
        for name in target.group(1).split():
            if name.startswith(".") and name.upper() == name:
                continue  # .PHONY, .SUFFIXES ...
            d = Definition(
                "target", name, line, line, line, squash(prereqs), "", None, virtual=not real
            )
            out.defs.append(d)
            open_defs.append(d)
    for d in open_defs:
        d.digest = digest("\n".join(recipe_bodies.get(id(d), [])))
    return out


def _analyze_makefile(ctx: FileContext) -> Partial:
    part = Partial()
    parsed = {side: [_parse_make(seg) for seg in ctx.segments(side)] for side in ("old", "new")}
    old_defs = [d for p in parsed["old"] for d in p.defs]
    new_defs = [d for p in parsed["new"] for d in p.defs]
    removed = [n for n in ctx.removed_sorted if ctx.removed[n].strip()]
    added = [n for n in ctx.added_sorted if ctx.added[n].strip()]
    changes, _old_out, _new_out = diff_definitions(
        old_defs, new_defs, removed, added, removed_set=ctx.removed, added_set=ctx.added
    )
    for sym, _o, _n in changes:
        part.symbols.append(sym)
        if sym.kind == "target" and _RELEASE_TARGET_RE.search(sym.name):
            severity: Severity = "low" if sym.change == "added" else "medium"
            verb = {"added": "adds", "deleted": "deletes"}.get(sym.change, "changes")
            part.signals.append(
                Signal(
                    CI_CD,
                    "make.release_target",
                    f"{verb} release target `{sym.name}`",
                    sym.line,
                    "old" if sym.change == "deleted" else "new",
                    sym.name,
                    severity,
                )
            )
    for p in parsed["new"]:
        part.signals.extend(scan_commands(p.recipes, only=ctx.added))
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                CI_CD,
                "make.deleted",
                f"deletes the build file `{ctx.path}`",
                None,
                "old",
                None,
                "medium",
            )
        )
    part.cosmetic = cosmetic_level(ctx, _line_comments(ctx))  # type: ignore[arg-type]
    return part
