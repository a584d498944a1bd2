from __future__ import annotations

from pathlib import Path

from reviewer.models import FileScope
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "kubernetes"


def _codes(scope: FileScope) -> dict[str, str]:
    return {s.code: s.severity for s in scope.signals}


POD = """apiVersion: v1
kind: Pod
metadata:
  name: tool
spec:
  containers:
  - name: tool
    image: tool:1
    securityContext:
      runAsNonRoot: true
      readOnlyRootFilesystem: true
"""


def test_removing_hardening_is_medium_and_moving_it_is_nothing() -> None:
    removed = POD.replace("      runAsNonRoot: true\n", "")
    full, hunks = scope_both("k8s/tool.yaml", POD, removed)
    assert _codes(full) == _codes(hunks) == {"k8s.hardening_removed": "medium"}
    # the same setting moved to the pod level is not a weakening
    moved = removed.replace(
        "spec:\n  containers:", "spec:\n  securityContext:\n    runAsNonRoot: true\n  containers:"
    )
    full, hunks = scope_both("k8s/tool.yaml", POD, moved)
    assert _codes(full) == _codes(hunks) == {}


def test_deleting_a_configmap_is_medium() -> None:
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\ndata:\n  a: b\n"
    full, hunks = scope_both("k8s/flags.yaml", POD + "---\n" + cm, POD)
    assert _codes(full) == _codes(hunks) == {"k8s.object_deleted": "medium"}
    assert [(s.name, s.change) for s in full.symbols] == [("ConfigMap/flags", "deleted")]


def test_namespace_is_part_of_the_name_and_changing_it_replaces() -> None:
    old = POD.replace("  name: tool\n", "  name: tool\n  namespace: ops\n")
    new = old.replace("namespace: ops", "namespace: tools")
    full, hunks = scope_both("k8s/tool.yaml", old, new)
    for scope in (full, hunks):
        assert [(s.name, s.change, s.old_name) for s in scope.symbols] == [
            ("tools/Pod/tool", "renamed", "ops/Pod/tool")
        ]
        assert _codes(scope) == {"k8s.object_replaced": "high"}


def test_json_manifest_objects() -> None:
    old = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {\n    "name": "api"\n  },\n  "spec": {\n    "type": "ClusterIP"\n  }\n}\n'
    full, hunks = scope_both("k8s/api.json", old, old.replace('"ClusterIP"', '"LoadBalancer"'))
    assert full.language == "kubernetes"
    assert [(s.name, s.change) for s in full.symbols] == [("Service/api", "modified")]
    assert "k8s.service_exposed" in _codes(full) and "k8s.service_exposed" in _codes(hunks)


def test_scaling_to_zero_outside_production_is_medium() -> None:
    old = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n"
    full, hunks = scope_both("k8s/api.yaml", old, old.replace("replicas: 3", "replicas: 0"))
    assert _codes(full) == _codes(hunks) == {"k8s.scaled_to_zero": "medium"}


def test_re_indenting_a_manifest_widens_nothing() -> None:
    old = POD.replace("readOnlyRootFilesystem: true", "privileged: true")
    new = old.replace("image: tool:1", "image: tool:2").replace(
        "privileged: true", "privileged: true  # needed"
    )
    full, hunks = scope_both("k8s/tool.yaml", old, new)
    assert _codes(full) == _codes(hunks) == {}


def test_flux_kustomization_is_an_object_but_a_kustomize_config_is_not() -> None:
    flux = (
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
        "  name: apps\n  namespace: flux-system\nspec:\n  path: ./apps\n"
    )
    full, hunks = scope_both("clusters/prod/apps.yaml", flux, None)
    assert (
        [s.name for s in full.symbols]
        == [s.name for s in hunks.symbols]
        == ["flux-system/Kustomization/apps"]
    )
    assert _codes(full) == {"k8s.object_deleted": "high"}
    config = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n"
    full, _ = scope_both("k8s/components/x/component.yaml", config, None)
    assert full.signals == ()
