"""What the command classifiers share: codes and meanings, known programs, one parsed command, path risk."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...models import Severity
from ...record import field, record
from ...rx import lazy
from ..lex.shell import word_set

Hit = tuple[str, Severity, str]  # (code, severity, command excerpt)

RANK = {"low": 1, "medium": 2, "high": 3}

#: signal code -> what the command does, for the signal's detail
MEANINGS: dict[str, str] = {
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

SHELLS = word_set("sh bash zsh dash ksh ash fish mksh busybox")
INTERPRETERS = SHELLS | word_set("python python3 perl ruby node pwsh powershell iex")
FETCHERS = word_set("curl wget fetch http https xh")
SQL_CLIENTS = word_set(
    "psql mysql mariadb sqlite3 sqlite sqlcmd cockroach clickhouse-client clickhouse mongo mongosh "
    "redis-cli bq snowsql cqlsh duckdb pgcli mycli usql trino presto sqlplus isql vsql influx "
    "mysqlsh spanner-cli"
)
CLOUD_CLIS = word_set(
    "aws gcloud az doctl oci ibmcloud hcloud linode-cli scw exo aliyun eksctl argocd gh heroku "
    "flyctl fly vercel netlify firebase openstack copilot eb"
)
DEPLOY_TOOLS = word_set(
    "helm kubectl oc firebase vercel netlify cdk serverless sls pulumi fly flyctl heroku npm pnpm "
    "yarn ansible-playbook argocd skaffold eb copilot cf kustomize"
)
K8S_CLIS = word_set("kubectl oc kubecolor")
K8S_HIGH = word_set(
    "namespace namespaces ns pv pvc persistentvolume persistentvolumes persistentvolumeclaim "
    "persistentvolumeclaims crd crds customresourcedefinition customresourcedefinitions node nodes "
    "statefulset statefulsets sts deployment deployments deploy service services svc secret "
    "secrets clusterrole clusterroles clusterrolebinding clusterrolebindings ingress ingresses "
    "storageclass storageclasses all"
)
K8S_LOW = word_set("pod pods po job jobs")
SYSTEM_DIRS = word_set(
    "/ /bin /boot /dev /etc /home /lib /lib32 /lib64 /media /mnt /opt /proc /root /run /sbin /srv "
    "/sys /usr /var /usr/bin /usr/sbin /usr/lib /usr/local /usr/local/bin /usr/share /var/lib "
    "/etc/ssl ~ $HOME"
)
#: directories a build or cache cleanup removes routinely
_SAFE_NAMES = word_set(
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
_ROOTISH = word_set("/ /* /. /.* /** ~ ~/ ~/* ~/.* * . ./ ./* .* .. ../ ../* /..")

_LEADING_VAR_RE = lazy(
    r"\$(?:\{([A-Za-z_]\w*)(?::?[-=+][^}]*)?\}|([A-Za-z_]\w*)|\(([A-Za-z_]\w*)\))"
    r"|\{\{([^}]*)\}\}"  # a CI expression, as lex.shell.ci_expressions_as_words leaves it
)
#: variables and CI expressions that are never empty
_ALWAYS_SET_RE = lazy(r"^(?:PWD|GITHUB_WORKSPACE|CI_PROJECT_DIR|WORKSPACE|github\.|runner\.)")
_GUARDED_RE = lazy(r"\$\{([A-Za-z_]\w*):?\?[^}]*\}")
_TEMP_NAME_RE = lazy(r"te?mp", re.I)
_SAFE_GLOB_RE = lazy(r"^\*?\.(pyc|pyo|o|a|so|log|tmp|bak|swp|class|egg-info|orig|rej)$|~$")


@record(frozen=False, slots=False)
class Scan:
    """State carried from line to line: mktemp directories and open heredocs."""

    temp_vars: set[str] = field(default_factory=set)
    #: (delimiter, strip leading tabs, consumer: "sql", "shell" or "doc")
    heredoc: tuple[str, bool, str] | None = None


def excerpt_of(text: str) -> str:
    out = " ".join(text.split()).replace("`", "'")
    return out if len(out) <= 80 else out[:77] + "..."


def worst(levels: Iterable[Severity | None]) -> Severity | None:
    best: Severity | None = None
    for lv in levels:
        if lv is not None and (best is None or RANK[lv] > RANK[best]):
            best = lv
    return best


@record(frozen=False, slots=False)
class Cmd:
    words: list[str]
    program: str
    text: str
    via_xargs: bool
    state: Scan
    depth: int

    @property
    def args(self) -> list[str]:
        return self.words[1:]

    def hit(self, code: str, severity: Severity) -> Hit:
        return (code, severity, excerpt_of(self.text))


def rm_target_level(target: str, temp_vars: set[str]) -> Severity | None:
    guarded = _GUARDED_RE.match(target.strip().lstrip("\"'"))
    if guarded is not None and guarded.group(1) in temp_vars:
        return None  # `rm -rf "${workdir:?}"/*` where `workdir=$(mktemp -d)`: its own scratch
    t = _GUARDED_RE.sub("guarded", target.strip())
    if not t:
        return None
    m = _LEADING_VAR_RE.match(t)
    if m is None:
        return path_level(t)
    name = m.group(1) or m.group(2) or m.group(3) or m.group(4) or ""
    rest = t[m.end() :]
    if name == "HOME":
        return path_level("~" + rest)
    if name in temp_vars:
        return None
    if _ALWAYS_SET_RE.match(name):
        # a workspace directory: emptying it is not wiping the machine
        return "medium" if rest.strip("/*.") == "" else path_level(rest.lstrip("/"))
    if not rest:
        return None if _TEMP_NAME_RE.search(name) or _safe_var(name) else "medium"
    if _safe_var(name) and rest == "*":
        # `rm -rf $DIST_DIR*`: the build output the variable names (unset, it is the working
        # directory's files, not the root: `$BUILD_ROOT/` stays high)
        return None
    if rest in _ROOTISH or rest.rstrip("/") == "" or rest.startswith("/*"):
        return "high"  # an empty or unset variable makes this the root directory
    if _TEMP_NAME_RE.search(name):
        return None
    return path_level(rest.lstrip("/"))


#: words in a variable's name that say it holds build output
_SAFE_VAR_WORDS = word_set("build dist cache tmp temp coverage venv artifacts artefacts")


def _safe_var(name: str) -> bool:
    return any(part in _SAFE_VAR_WORDS for part in re.split(r"[_\-]", name.lower()))


def path_level(path: str) -> Severity | None:
    if path in _ROOTISH:
        return "high"
    norm = path
    while norm.endswith(("/*", "/")) and len(norm) > 1:
        norm = norm[:-2] if norm.endswith("/*") else norm[:-1]
    if norm in SYSTEM_DIRS or norm in _ROOTISH:
        return "high"
    if path.startswith(_SAFE_PREFIXES) or norm in ("/tmp", "/var/tmp"):
        return None
    # `~` is the home directory, not a backup file's `~` suffix
    comps = [c for c in path.split("/") if c not in ("", ".", "*", "~")]
    for c in comps:
        low = c.lower()
        if low in _SAFE_NAMES or _SAFE_GLOB_RE.search(low) or low.endswith(".egg-info"):
            return None
        if _TEMP_NAME_RE.fullmatch(low) or low.startswith(("tmp", "temp")):
            return None
    return "medium"
