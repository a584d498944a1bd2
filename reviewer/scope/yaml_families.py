"""YAML and JSON files: which family a file belongs to (by path, then content), generic keys otherwise.

Families: GitHub workflows and actions (``workflows``), GitLab CI / CircleCI / other CI
(``pipelines``), docker-compose (``compose``), Kustomize (``kustomize``), Helm charts (``helm``),
CloudFormation / SAM (``cloudformation``) and Kubernetes manifests (``kubernetes``). Anything else
reports its changed keys (top-level key, or two levels) as ``key`` symbols and no change kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..rx import lazy
from ..terms import has_any
from .engine import FileContext, Partial
from .yaml_view import SideView, analyze_keys, side_view

_GHA_RE = lazy(r"(^|/)\.github/workflows/.+\.ya?ml$", re.I)
_ACTION_RE = lazy(r"(^|/)action\.ya?ml$", re.I)
_GITLAB_RE = lazy(r"(^|/)([^/]*\.)?gitlab-ci\.ya?ml$|(^|/)\.gitlab/ci/.+\.ya?ml$", re.I)
_CIRCLE_RE = lazy(r"(^|/)\.circleci/.+\.ya?ml$", re.I)
_OTHER_CI_RE = lazy(
    r"(^|/)(\.?azure-pipelines[^/]*|bitbucket-pipelines|\.travis|appveyor|\.appveyor|\.drone"
    r"|cloudbuild[^/]*|buildspec[^/]*|codefresh|\.woodpecker|\.cirrus|\.semaphore/[^/]+|\.buildkite/[^/]+"
    r"|\.azure-pipelines/.+|\.azuredevops/.+|\.woodpecker/[^/]+|\.tekton/.+|\.drone/[^/]+)\.ya?ml$",
    re.I,
)
_COMPOSE_RE = lazy(r"(^|/)((docker-)?compose|[^/]+\.compose)([-._][^/]*)?\.ya?ml$", re.I)
_KUSTOMIZE_RE = lazy(r"(^|/)kustomization\.ya?ml$|(^|/)Kustomization$", re.I)
_CHART_RE = lazy(r"(^|/)Chart\.ya?ml$")
_VALUES_RE = lazy(r"(^|/)values([-._][^/]*)?\.ya?ml$", re.I)
_TEMPLATES_RE = lazy(r"(^|/)templates/(.+/)?[^/]+\.(ya?ml|tpl)$", re.I)
_CHART_DIR_RE = lazy(r"(^|/)(charts?|helm|[^/]*-chart|[^/]*-helm|helm-[^/]*)/", re.I)

_CFN_RE = lazy(
    r"""^\s*["']?AWSTemplateFormatVersion["']?\s*:"""
    r"""|^\s*["']?Type["']?\s*:\s*["']?(AWS|Alexa)::\w+::\w+"""
    r"""|^\s*["']?Transform["']?\s*:.*AWS::Serverless"""
    r"""|^\s*["']?(DeletionPolicy|UpdateReplacePolicy)["']?\s*:"""
    r"""|!(Ref|Sub|GetAtt|FindInMap|ImportValue|GetAZs)\s|"(Fn::(GetAtt|Sub|Join|If|ImportValue)|Ref)"\s*:""",
    re.M,
)
#: CloudFormation's top-level sections, as a hunk heading (git shows the last top-level line)
_CFN_HEADING_RE = lazy(r"(Resources|Outputs|Parameters|Conditions|Mappings|Globals|Rules):\s*$")
_CFN_PATH_RE = lazy(
    r"(^|/)(cloudformation|cfn)/|\.(template|cfn)\.(ya?ml|json)$|(^|/)template\.ya?ml$", re.I
)
_K8S_HEAD_RE = lazy(r"^(apiVersion|kind):[ \t]*\S", re.M)
_K8S_JSON_RE = lazy(r'^\s*"(apiVersion|kind)"\s*:', re.M)
_K8S_FIELD_RE = lazy(
    r"^\s*(-\s+)?(apiVersion|containers|initContainers|matchLabels|containerPort|targetPort"
    r"|imagePullPolicy|serviceAccountName|readinessProbe|livenessProbe|volumeMounts"
    r"|securityContext|nodeSelector|tolerations|hostNetwork|terminationGracePeriodSeconds):",
    re.M,
)
_NOT_K8S_API_RE = lazy(
    r"^(apiVersion):[ \t]*['\"]?(skaffold/|kustomize\.config\.k8s\.io|kind\.x-k8s\.io|kubeadm\.k8s\.io"
    r"|config\.kubernetes\.io|kpt\.dev|blueprints\.cloud\.google\.com|backstage\.io|k3d\.io"
    r"|ctlptl\.dev)",
    re.M,
)
_K8S_DIR_RE = lazy(
    r"(^|/)(k8s|kube|kubernetes|manifests|[^/]*-manifests|kustomize|overlays|istio)/", re.I
)
_TEMPLATE_EXPR_RE = lazy(r"\{\{-?\s*[.$a-z(\"/]|\{\{-?\s*end", re.I)

# literal parts the patterns above need (see terms.has_any)
_OTHER_CI_HINTS = (
    "azure",
    "bitbucket",
    "travis",
    "appveyor",
    "drone",
    "cloudbuild",
    "buildspec",
    "codefresh",
    "woodpecker",
    "cirrus",
    "semaphore",
    "buildkite",
    "tekton",
)
_CFN_HINTS = (
    "AWSTemplateFormatVersion",
    "AWS::",
    "Alexa::",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "!",
    "Fn::",
    '"Ref"',
)
_CFN_PATH_HINTS = ("cloudformation", "cfn", "template")
_NOT_K8S_API_HINTS = (
    "skaffold/",
    "kustomize.config.k8s.io",
    "kind.x-k8s.io",
    "kubeadm.k8s.io",
    "config.kubernetes.io",
    "kpt.dev",
    "blueprints.cloud.google.com",
    "backstage.io",
    "k3d.io",
    "ctlptl.dev",
)


def family_of(ctx: FileContext, old: SideView, new: SideView) -> str:
    """The family of a YAML/JSON file: by path first, then by what its visible text contains."""
    path = ctx.path
    if _GHA_RE.search(path):
        return "github-actions"
    if ctx.language == "yaml" and _ACTION_RE.search(path):
        return "github-action"
    if _GITLAB_RE.search(path):
        return "gitlab-ci"
    if _CIRCLE_RE.search(path):
        return "circleci"
    lower = path.lower()
    if has_any(lower, _OTHER_CI_HINTS, folded=True) and _OTHER_CI_RE.search(path):
        return "ci"
    if _COMPOSE_RE.search(path):
        return "docker-compose"
    if _KUSTOMIZE_RE.search(path):
        return "kustomize"
    if _CHART_RE.search(path):
        return "helm-chart"
    texts = list(_texts(old, new))
    if (
        ctx.language == "yaml"
        and _TEMPLATES_RE.search(path)
        and (any(_TEMPLATE_EXPR_RE.search(t) for t in texts) or _CHART_DIR_RE.search(path))
    ):
        return "helm-template"
    if (
        ctx.language == "yaml"
        and _VALUES_RE.search(path)
        and not any(_K8S_HEAD_RE.search(t) for t in texts)
    ):
        return "helm-values"
    if (
        any(has_any(t, _CFN_HINTS) and _CFN_RE.search(t) for t in texts)
        or any(_CFN_HEADING_RE.match(t) for t in _headings(ctx))
        or (
            has_any(lower, _CFN_PATH_HINTS, folded=True)
            and _CFN_PATH_RE.search(path)
            and not any(_K8S_HEAD_RE.search(t) for t in texts)
        )
    ):
        return "cloudformation"
    if ctx.language == "json":
        if any(_K8S_JSON_RE.search(t) for t in texts) and _json_k8s(old, new):
            return "kubernetes"
        return "kubernetes" if _K8S_DIR_RE.search(path) else "json"
    if any(_K8S_HEAD_RE.search(t) for t in texts):
        if all(_k8s_like(t) for t in texts if _K8S_HEAD_RE.search(t)):
            return "kubernetes"
        return "yaml"
    if any(_K8S_FIELD_RE.search(t) for t in texts) or _K8S_DIR_RE.search(path):
        return "kubernetes"
    return "yaml"


def _headings(ctx: FileContext) -> Iterable[str]:
    """Hunk section headings: git's last top-level line above each hunk."""
    return (h.section for h in ctx.fd.hunks if h.section)


def _texts(old: SideView, new: SideView) -> Iterable[str]:
    yield from old.visible_text()
    yield from new.visible_text()


def _k8s_like(text: str) -> bool:
    """apiVersion/kind documents that are tools' configs (skaffold, kustomize, kind) are not objects."""
    return not (has_any(text, _NOT_K8S_API_HINTS) and _NOT_K8S_API_RE.search(text))


def _json_k8s(old: SideView, new: SideView) -> bool:
    for view in (old, new):
        keys = {n.key for _ol, _i, n in view.nodes() if n.path == ()}
        if {"apiVersion", "kind"} <= keys:
            return True
    return False


def analyze(ctx: FileContext) -> Partial:
    json = ctx.language == "json"
    old = side_view(ctx, "old", json=json)
    new = side_view(ctx, "new", json=json)
    family = family_of(ctx, old, new)
    if family in ("github-actions", "github-action"):
        from . import workflows

        return workflows.analyze_views(ctx, old, new, family)
    if family in ("gitlab-ci", "circleci", "ci"):
        from . import pipelines

        return pipelines.analyze_views(ctx, old, new, family)
    if family == "docker-compose":
        from . import compose

        return compose.analyze_views(ctx, old, new)
    if family == "kustomize":
        from . import kustomize

        return kustomize.analyze_views(ctx, old, new)
    if family in ("helm-chart", "helm-values", "helm-template"):
        from . import helm

        return helm.analyze_views(ctx, old, new, family)
    if family == "cloudformation":
        from . import cloudformation

        return cloudformation.analyze_views(ctx, old, new)
    if family == "kubernetes":
        from . import kubernetes

        return kubernetes.analyze_views(ctx, old, new)
    return analyze_keys(ctx, old, new)
