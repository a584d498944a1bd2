"""The catalogue of every signal code the analyzers emit and every review rule id: one place, as data.

A *signal code* (``tf.resource_deleted``) is the fine-grained reason an analyzer in ``reviewer/scope``
gives for putting a change in a change kind of the taxonomy (DESIGN.md); a *rule id* (``RV201``) is
what a finding of the review carries. Each code is listed once with its change kind, the severity
the analyzer usually gives it (the analysis raises it when the intent does not license the change)
and one line saying what it means to a reader. The SARIF rule help and ``docs/rules.md`` are made
from this table; ``tests/rules/test_catalogue.py`` fails when a code is emitted but not listed here,
or listed here but no longer emitted.

    python -m reviewer.rules.catalogue --markdown > docs/rules.md
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..models import CHANGE_KINDS, Severity
from ..record import record
from .base import RULES  # the review rules (RV...) are records of the rule families


@record
class Code:
    code: str
    kind: str  # a change kind of models.CHANGE_KINDS
    severity: Severity  # what the analyzer usually gives it, before the intent is considered
    meaning: str  # one line for a reader: what the change does, why it matters


#: code prefix -> what the analyzers of that family read
FAMILIES: dict[str, str] = {
    "tf": "Terraform configuration, state and lock files",
    "cfn": "CloudFormation and SAM templates",
    "k8s": "Kubernetes manifests",
    "helm": "Helm charts",
    "kustomize": "Kustomize kustomizations",
    "compose": "docker-compose files",
    "gha": "GitHub Actions workflows and actions",
    "ci": "other CI systems (GitLab CI, CircleCI, Azure Pipelines, ...)",
    "gov": "repository governance: code owners, branch protection, dependency bots, pre-commit",
    "agent": "AI-agent instructions and MCP configuration",
    "policy": "the reviewer's own policy (.reviewer.toml, [tool.reviewer])",
    "cmd": "dangerous commands in shell scripts, Dockerfiles, Makefiles and CI steps",
    "docker": "Dockerfiles",
    "make": "Makefiles",
    "sql": "SQL files",
    "mig": "database migrations",
    "dep": "dependency manifests and lockfiles",
    "flag": "feature flags and global configuration files",
    "code": "the public API of source code",
    "js": "JavaScript and TypeScript modules",
    "secret": "credentials in any text file",
}


#: the catalogue: ``[change kind]`` sections of ``code  severity  meaning`` rows
_TABLE = """
[resource_deletion]
tf.resource_deleted           high   A Terraform resource block is removed: Terraform destroys the resource.
tf.module_deleted             high   A Terraform module call is removed: every resource it manages is destroyed.
tf.removed_block              high   A Terraform `removed` block that destroys its target.
cfn.resource_deleted          high   A CloudFormation resource is removed: the stack deletes it.
k8s.object_deleted            high   A Kubernetes object is removed from the manifests.
k8s.patch_delete              high   A `$patch: delete` patch that removes a Kubernetes object.
k8s.scaled_to_zero            medium A workload is scaled to zero replicas: it stops serving.
helm.chart_deleted            high   A Helm chart is deleted: nothing it deploys is deployed from it any more.
helm.template_deleted         high   A Helm template is deleted: the objects it renders are removed.
helm.object_deleted           high   An object is removed from a Helm template.
kustomize.deleted             high   A kustomization is deleted: nothing it renders is deployed from it any more.
kustomize.resource_removed    high   A resource (or base, or CRD) is removed from a kustomization.
kustomize.component_removed   medium A component is removed from a kustomization.
compose.service_removed       medium A docker-compose service is removed.

[replacement]
tf.force_new_attribute        high   An attribute that forces replacement changes: Terraform destroys and recreates the resource.
tf.address_changed            high   A resource is renamed without a `moved` block: Terraform destroys and recreates it.
tf.create_before_destroy      medium `create_before_destroy` changes: how the resource is replaced changes.
tf.module_changed             high   A file moves to another module: its resources get new addresses and are recreated.
tf.moved_and_changed          medium A `moved` block whose target does not read the same as its source: the move also changes it.
cfn.replacement               high   A property CloudFormation cannot update in place changes: the resource is replaced.
k8s.object_replaced           high   A Kubernetes object is renamed or moved: the old one is deleted, a new one created.
k8s.selector_changed          high   An immutable selector changes: the object must be deleted and re-created.
k8s.immutable_field           high   An immutable field changes: the object must be deleted and re-created.
kustomize.rename              high   A kustomization's namespace, name prefix/suffix or common labels change: every object is re-created.

[environment_definition]
tf.backend                    high   The `terraform` block (most likely the state backend) changes.
tf.provider                   high   A provider's region, account or endpoint changes: resources move to another place.
tf.state_file                 high   A Terraform state file is committed, changed or deleted.
tf.state_move                 medium A `moved` or `import` block is added or changed: state addresses change.
tf.workspace                  medium Logic that depends on `terraform.workspace` changes.
tf.environment_value          high   A value that selects the environment deployed to changes.
tf.count_for_each             high   A resource or module gains, loses or switches `count`/`for_each`: instances are re-keyed or destroyed (an existing resource that only gains or loses `count` keeps `[0]`, Terraform moves it by itself).
tf.count_input                high   An input that decides how many instances of a resource exist changes.
tf.count_condition            low    A condition is added to a `count`/`for_each`: instances are destroyed where it is false.
tf.for_each_keys_added        low    Keys are added to a `for_each`: their instances are created.

[protection_toggle]
tf.deletion_protection        high   Deletion protection is turned off or removed: the resource can be destroyed without a guard.
tf.skip_final_snapshot        high   `skip_final_snapshot` is turned on: deleting the database keeps no copy.
tf.force_destroy              high   `force_destroy`/`force_delete` is turned on: the resource is deleted with its contents.
tf.prevent_destroy            high   `prevent_destroy` is turned off or removed.
tf.final_snapshot             high   The final snapshot of a database is removed: deleting it keeps no copy.
tf.backup_retention           high   Automated backups are turned off (retention 0).
tf.versioning                 high   Versioning of a bucket is turned off.
tf.guard_default              high   A module variable's default turns a guard off for every caller that does not set it.
tf.security_control_off       high   A security control written on (encryption, key rotation, audit logging, log validation, TLS) is written off.
tf.ignore_changes             medium `ignore_changes` widens: drift there is no longer corrected.
cfn.deletion_policy           high   A `DeletionPolicy`/`UpdateReplacePolicy` that kept data is dropped or changed.
cfn.deletion_protection       high   Deletion protection is turned off on a CloudFormation resource.
cfn.backups_disabled          high   Backups are turned off (`BackupRetentionPeriod: 0`).
cfn.versioning_suspended      medium Bucket versioning is suspended.
code.safeguard_off            high   A security switch or check in code or settings is turned off: a cookie's HttpOnly, TLS verification, CSRF, a call that enforces a check, a password hash's work factor, a package manager's minimum release age, a trust setting (trusted proxies, forwarded-header addresses, allowed hosts or origins) opened to a wildcard.
code.guard_weakened           high   A guard's condition is weakened in place: `||` turned into `&&` in an access check, or a security check (a path kept inside its root, a permission, a token) dropped from a chain.
k8s.keep_policy_removed       high   `helm.sh/resource-policy: keep` is taken off an object: uninstalling the release now deletes it (a volume, and its data).
helm.protection_off           high   A chart default turns a protection off (`networkPolicy.create`, `podDisruptionBudget.enabled`, TLS, authentication: `true` -> `false`) or a destruction on (`cleanUpCRDs`, `purgeOnDelete`: `false` -> `true`): every install that does not set it is affected.
gha.environment_removed       high   A workflow job no longer names its `environment`: the environment's protection rules (required reviewers, wait timers) stop gating it.
gha.identity_guard_removed    high   A workflow job loses the `if:` that limits it to an actor, a repository or an author: it runs for anyone, with its token and secrets.

[destructive_data]
sql.drop                      high   `DROP TABLE`/`DATABASE`/`SCHEMA`/...: the object and its data are gone.
sql.truncate                  high   `TRUNCATE`: the table is emptied.
sql.delete_all                high   `DELETE` without `WHERE`: every row is deleted.
sql.update_all                high   `UPDATE` without `WHERE`: every row is rewritten.
sql.alter_drop                high   `ALTER TABLE ... DROP COLUMN`: the column and its data are gone.
sql.alter_type                medium A column's type changes: values may be cast or truncated.
mig.drop_table                high   A migration drops a table.
mig.drop_column               high   A migration drops a column.
mig.remove_column             high   A migration removes a column.
mig.remove_field              high   A migration removes a model field.
mig.delete_model              high   A migration deletes a model (its table).
mig.alter_column              medium A migration alters a column.
mig.change_column             medium A migration changes a column.
mig.alter_field               medium A migration alters a model field.
mig.remove_index              medium A migration removes an index or a constraint.
mig.rename                    medium A migration renames a table, column, model or field.
mig.run_sql                   high   A migration runs raw SQL that destroys or rewrites data.
mig.irreversible              medium A migration cannot be rolled back.
mig.deleted                   high   A migration file is deleted: the migration history is rewritten.
mig.renamed                   high   A migration file is renamed: its identity in the history changes.
compose.volume_removed        high   A named docker-compose volume is removed, and its data with it.

[permission_widening]
code.authz_always_true        high   An authorization check (`has_*_permission`, `can_*`, `authorize`) is made to return true without its condition.
tf.iam_wildcard               high   An IAM policy grants wildcard actions or every resource (`*`).
tf.iam_deny_removed           high   A `Deny` statement is removed from an IAM policy.
tf.admin_policy               high   An administrative role or policy is granted.
tf.open_ingress               high   A security group or firewall opens to traffic from anywhere (`0.0.0.0/0`).
tf.public_access              high   A bucket's public access block is turned off or removed.
cfn.iam_wildcard              high   A CloudFormation IAM policy allows wildcard actions.
cfn.iam_wildcard_resource     medium A CloudFormation IAM policy grants on every resource (`*`).
cfn.deny_removed              high   A `Deny` statement is removed from a CloudFormation policy.
cfn.admin_policy              high   An administrator managed policy is attached.
cfn.open_ingress              high   A CloudFormation security group opens ingress to the internet.
cfn.public_access             high   A bucket's public access block is removed or turned off.
k8s.cluster_admin             high   `cluster-admin` is granted.
k8s.rbac_wildcard             high   An RBAC rule grants `*`.
k8s.privileged                high   A container runs privileged.
k8s.host_namespace            high   Pods share the host's network, PID or IPC namespace.
k8s.privilege_escalation      high   A container is allowed privilege escalation.
k8s.run_as_root               high   A container runs as root (user or group 0, or `runAsNonRoot: false`).
k8s.capabilities_added        high   Linux capabilities are added to a container.
k8s.host_path                 medium A host path is mounted into a pod.
k8s.hardening_removed         medium `securityContext` hardening is removed.
k8s.ingress_added             medium An Ingress or Gateway is added: services are exposed outside the cluster.
k8s.service_exposed           medium A Service is exposed outside the cluster (LoadBalancer, NodePort, external IPs).
compose.privileged            high   A docker-compose container runs privileged.
compose.docker_socket         high   The Docker socket is mounted into a container: it controls the host.
compose.host_namespace        medium A container shares the host's network, PID or IPC namespace.
compose.capabilities_added    medium Linux capabilities are added to a docker-compose container.
compose.db_port_exposed       medium A datastore port is published on every interface.
docker.user_root              medium A Dockerfile runs the image as `root`.
gha.pull_request_target       high   A workflow runs on `pull_request_target`: with secrets, on events from forks.
gha.untrusted_checkout        high   A privileged workflow checks out the pull request's head: untrusted code runs with secrets.
gha.script_injection          high   Untrusted event text is interpolated into a shell script (script injection).
gha.permissions_write_all     high   The workflow token gets `permissions: write-all`.
gha.permissions_widened       high   The workflow token gets a write permission it did not have.
gha.permissions_removed       medium A `permissions` block is removed: the token falls back to a wider default.
gha.set_env_command           high   A workflow uses the disabled `::set-env`/`::add-path` commands.
gha.unsecure_commands         high   `ACTIONS_ALLOW_UNSECURE_COMMANDS` is set: step output can set environment variables.
sql.grant_all                 high   `GRANT ALL` privileges.
sql.grant_public              high   Privileges are granted to `PUBLIC`.
sql.superuser                 high   A role is made superuser (or given similar power).
sql.rls_disabled              high   Row-level security is turned off on a table.
flag.secret                   high   A value is committed for a setting that holds a secret.
secret.committed              high   A credential is committed: anyone who can read the repository can use it.

[ci_cd]
gha.workflow_added            high   A GitHub Actions workflow is added (high when its token writes the repository, packages or cloud credentials).
gha.workflow_changed          medium A GitHub Actions workflow changes.
gha.matrix_changed            low    Only where a workflow's jobs run changes: their runner or their matrix (the versions and platforms the tests run on).
gha.workflow_deleted          high   A GitHub Actions workflow is deleted.
gha.action_added              medium A GitHub action (`action.yml`) is added.
gha.action_changed            medium A GitHub action (`action.yml`) changes.
gha.action_deleted            high   A GitHub action of the repository is deleted.
gha.job_removed               high   A job of a workflow is removed: what it checked no longer runs.
gha.job_renamed               medium A job is renamed: required status checks that name it stop matching.
gha.check_removed             high   A test, lint, type-check or scan step that gates merges is removed, or made unable to fail (`|| true`, `exit-code: 0`, `continue-on-error: true`), or a release job stops waiting for it (`needs`).
gha.security_step_removed     high   A security scanning step is removed.
gha.provenance_removed        high   A provenance, signing or attestation step is removed.
gha.release_job_removed       high   A deploy or release job is removed.
gha.release_step_removed      high   A release, publish or deploy step is removed.
gha.continue_on_error         medium Failures are let pass (`continue-on-error: true`).
gha.persist_credentials       medium The token is kept in the checkout (`persist-credentials: true`).
gha.secrets_inherit           medium Every secret is passed to a called workflow (`secrets: inherit`).
gha.unpinned_action           medium A third-party action is used by a movable ref, not a commit SHA.
ci.config_added               medium A CI configuration is added.
ci.config_changed             medium A CI configuration changes.
ci.config_deleted             high   A CI configuration is deleted.
ci.allow_failure              medium A CI job's failures are let pass.
ci.release_job_removed        high   A deploy or release job is removed from a CI configuration.
gov.ci_file                   medium A CI pipeline file is added, changed or deleted.
gov.codeowners                high   Code owners are removed or changed: reviews they required are no longer asked.
gov.codeowners_added          low    Code owners are assigned to paths.
gov.protection_changed        medium Repository protection settings change.
gov.protection_weakened       high   Branch protection is weakened or no longer managed.
gov.automerge                 high   Dependency updates are merged without review.
gov.dependency_bot            high   The dependency update configuration is added, changed or deleted.
gov.precommit_hook_added      low    A pre-commit hook is added.
gov.precommit_hook_removed    medium A pre-commit hook is removed; deleting the whole configuration is high (its checks stop locally and in CI).
policy.changed                medium The reviewer's own policy changes.
policy.loosened               high   The reviewer's own policy is loosened: it stops catching something.
docker.deleted                medium A Dockerfile is deleted: the image is no longer built from it.
make.deleted                  medium A Makefile is deleted.
make.release_target           medium A release, deploy or publish target of a Makefile changes.

[agent_instructions]
agent.instructions            medium An AI agent's instructions (AGENTS.md, rules, prompts) are added or changed.
agent.risky_instruction       high   The agent is told to do something risky (skip tests, push, delete, hide).
agent.auto_approve            high   The agent is let act without approval.
agent.mcp_server              high   What an MCP server runs or connects to changes.
agent.hidden_text             high   Invisible characters hide text of the instructions from reviewers.

[global_config]
flag.added                    low    A feature flag is added.
flag.default                  medium A feature flag's value changes: everything that reads it changes.
flag.removed                  medium A feature flag is removed.
flag.limit                    medium A global limit, timeout or size changes.
flag.config                   medium A global configuration value changes.
helm.values                   medium A Helm chart's default values change: every release that does not override them changes.
cfn.globals                   medium SAM `Globals` change: every function and API inherits them.
tf.variable_default           medium A variable's default changes: every caller that does not set it is affected.
tf.provider_defaults          medium A provider's defaults change: they apply to every resource it manages.

[dangerous_command]
cmd.rm_rf                     medium `rm -rf` or an equivalent: deletes files recursively.
cmd.terraform_destroy         high   `terraform destroy`: destroys Terraform-managed infrastructure.
cmd.terraform_replace         high   `terraform apply -replace`/`taint`: forces replacement of resources.
cmd.terraform_auto_approve    medium Terraform applies changes without review (`-auto-approve`).
cmd.terraform_state           medium Terraform state is edited directly (`terraform state rm/mv/push`, `import`).
cmd.terraform_workspace_delete high   `terraform workspace delete`.
cmd.stack_destroy             high   A deployed stack is destroyed (`pulumi destroy`, `cdk destroy`, `serverless remove`).
cmd.kubectl_delete            high   `kubectl delete`: Kubernetes objects are deleted.
cmd.kubectl_disrupt           medium Running Kubernetes workloads are disrupted (`kubectl drain`, scaling to zero).
cmd.helm_uninstall            high   `helm uninstall`: a release is removed.
cmd.git_force_push            high   `git push --force`: remote history is rewritten.
cmd.git_delete_ref            medium A remote branch or tag is deleted.
cmd.git_discard               medium Local changes are discarded (`git reset --hard`, `git clean`).
cmd.git_history_rewrite       medium Git history is rewritten (`filter-branch`, `filter-repo`).
cmd.cloud_delete              high   A cloud CLI deletes resources (`aws ... delete-*`, `gcloud ... delete`).
cmd.public_acl                high   A cloud resource is made public.
cmd.sql_drop                  high   A command drops or empties database objects.
cmd.data_drop                 high   A database is dropped or reset (`db:drop`, `migrate:fresh`, ...).
cmd.disk_wipe                 high   A disk or filesystem is overwritten (`mkfs`, `dd of=/dev/...`).
cmd.chmod_world               medium Files are made world-writable.
cmd.chown_system              high   Ownership of system directories changes.
cmd.curl_pipe_shell           medium A script downloaded from the network is run (`curl ... | sh`).
cmd.no_verify                 medium Verification hooks are skipped (`--no-verify`).
cmd.force_deploy              medium A deployment or publication is forced.
cmd.unpublish                 high   A published package version is removed.
cmd.docker_prune              medium Docker images, volumes or data are removed.
cmd.kill_all                  high   Every process is killed.
cmd.fork_bomb                 high   A fork bomb.
cmd.shutdown                  medium The machine is shut down or rebooted.

[public_api]
code.public_removed           medium A public function, class or method is removed: callers break.
code.public_signature         medium The signature of a public function or method changes: callers may break.
code.public_renamed           medium A public function, class or method is renamed: callers of the old name break.
code.public_hidden            medium A public symbol is made non-public.
code.module_removed           high   A source module is deleted: its importers break.
js.export_removed             medium A JavaScript/TypeScript module stops exporting a name.
tf.output_removed             medium A Terraform output is removed: references to it fail.
tf.variable_removed           medium A Terraform input variable is removed: callers that set it fail.
tf.variable_required          medium A Terraform variable loses its default: every caller must now set it.
tf.variable_type              medium The type of a Terraform variable changes.
tf.variable_type_widened      low    The type of a Terraform variable widens: every value it took still fits (an `optional(...)` attribute added, `list(string)` -> `list(any)`).
cfn.export_removed            medium An exported CloudFormation output is removed: stacks importing it break.

[dependency]
kustomize.remote_version      low    A kustomization points a remote resource at another release of it: a version update, not a removal.
gha.tool_version_moved        low    A workflow edit only moves the versions of the tools it installs (`TERRAFORM_DOCS_VERSION: v0.22.0` -> `v0.20.0`).
dep.added                     low    A dependency is added.
dep.removed                   low    A dependency is removed.
dep.indirect                  low    An indirect requirement (`// indirect` in go.mod) is added or dropped: what resolving the others wrote, as in a lockfile.
dep.updated                   low    A dependency's version changes within its major version.
dep.major_bump                medium A dependency moves to another major version (or a version constraint is lifted).
dep.source                    high   Where packages come from changes (a registry, index, git URL or local path).
dep.install_script            medium A package install script (lifecycle hook) is added or changed.
dep.runtime                   medium The required language runtime or toolchain version changes.
dep.lockfile_changed          low    A lockfile changes.
gha.action_ref_moved          low    Only the refs of a workflow's actions move: the same actions at another version.
dep.lockfile_deleted          medium A lockfile is deleted: versions are no longer pinned.
flag.package_source           high   A package source setting (registry, index URL) changes in a config file.
docker.base_image             low    A Dockerfile's base image is updated.
docker.base_image_major       medium A Dockerfile's base image is replaced or moves a major version.
docker.version_major          medium A version pinned in a Dockerfile moves a major version.
helm.dependencies             medium A Helm chart's dependencies change.
tf.lockfile                   medium The Terraform lock file pins a provider at another version.
tf.provider_version           medium A Terraform or provider version constraint changes.
tf.module_source              medium The source of a Terraform module call changes.
tf.module_version             medium The version of a Terraform module call changes.
gov.precommit_repo            medium Pre-commit hooks are taken from another repository.
gov.precommit_rev             low    Pre-commit hooks move to another revision.
"""


def _parse(table: str) -> tuple[Code, ...]:
    out: list[Code] = []
    kind = ""
    for row in table.strip().splitlines():
        if row.startswith("["):
            kind = row.strip("[]")
        elif row.strip():
            code, severity, meaning = row.split(maxsplit=2)
            out.append(Code(code, kind, severity, meaning))  # type: ignore[arg-type]
    return tuple(out)


CODES: tuple[Code, ...] = _parse(_TABLE)
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}


def lookup(code: str) -> Code | None:
    return BY_CODE.get(code)


def codes_of_kind(kind: str) -> tuple[Code, ...]:
    return tuple(c for c in CODES if c.kind == kind)


def family_of(code: str) -> str:
    return code.split(".", 1)[0]


# --- docs/rules.md ----------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def code_table(codes: Sequence[Code]) -> list[str]:
    """Markdown table rows of signal codes: for docs/rules.md and the SARIF rule help."""
    rows = ["| code | severity | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{c.code}` | {c.severity} | {_cell(c.meaning)} |" for c in codes]
    return rows


def markdown() -> str:
    """``docs/rules.md``: every rule id, every change kind and the signal codes behind it."""
    out = [
        "# Rules and signal codes",
        "",
        "<!-- generated by `python -m reviewer.rules.catalogue --markdown > docs/rules.md`;"
        " edit reviewer/rules/catalogue.py, not this file -->",
        "",
        "A review reports **findings**, each with a rule id (`RV...`). Rules of the `RV2xx` family",
        "report a change of a risky **change kind** that the intent does not license; the analyzers",
        "put a change in a kind with a **signal code** that names the precise reason. Signal codes",
        "appear in the JSON report (`files[].signals[].code`); `select`/`ignore` in the policy filter",
        "rule ids by prefix.",
        "",
        "Severities: a rule's is the one it usually reports; a signal code's is what its analyzer",
        "gives the change on its own. The review raises the severity of a risky change the intent",
        "does not license (a `high` destructive change becomes `critical`).",
        "",
        "## Rules",
        "",
        "| id | name | severity | change kind | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in RULES:
        kind = f"`{r.kind}`" if r.kind else ""
        severity = "its signal's, raised" if r.kind and r.id.startswith("RV2") else r.severity
        out.append(f"| `{r.id}` | {r.name} | {severity} | {kind} | {_cell(r.summary)} |")
    out += ["", "## Signal codes by change kind", ""]
    rule_of = {r.kind: r.id for r in RULES if r.kind}
    for kind, words in CHANGE_KINDS.items():
        codes = codes_of_kind(kind)
        if not codes:
            continue
        out += [f"### `{kind}`: {words} ({rule_of.get(kind, '')})", ""]
        out += code_table(sorted(codes, key=lambda c: c.code))
        out.append("")
    out += ["## Code families", "", "| prefix | what it reads | codes |", "| --- | --- | --- |"]
    for prefix, what in FAMILIES.items():
        n = sum(1 for c in CODES if family_of(c.code) == prefix)
        out.append(f"| `{prefix}.` | {what} | {n} |")
    out.append("")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args != ["--markdown"]:
        sys.stderr.write("usage: python -m reviewer.rules.catalogue --markdown > docs/rules.md\n")
        return 2
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
