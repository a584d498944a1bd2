from __future__ import annotations

from pathlib import Path

from reviewer.models import FileScope
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "kustomize"


def _codes(scope: FileScope) -> set[str]:
    return {s.code for s in scope.signals}


K = "resources:\n- a.yaml\n- b.yaml\n- c.yaml\nimages:\n- name: app\n  newTag: v1\n"


def test_reordering_resources_removes_nothing() -> None:
    new = K.replace("- a.yaml\n- b.yaml\n", "- b.yaml\n- a.yaml\n")
    full, hunks = scope_both("deploy/kustomization.yaml", K, new)
    assert _codes(full) == _codes(hunks) == set()


def test_flow_list_entry_removed() -> None:
    old = "resources: [a.yaml, b.yaml]\n"
    full, hunks = scope_both("deploy/kustomization.yml", old, "resources: [a.yaml]\n")
    assert _codes(full) == _codes(hunks) == {"kustomize.resource_removed"}


def test_a_remote_resource_moved_to_another_release_is_no_removal() -> None:
    from tests.helpers import scope_both

    base = "https://github.com/acme/ctrl/releases/download/{v}/ctrl.{k}.yaml"
    old = (
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
        + "".join(f"  - {base.format(v='v1.2.2', k=k)}\n" for k in ("crds", "deployment"))
    )
    new = old.replace("v1.2.2", "v1.2.3")
    for scope in scope_both("manifests/bases/ctrl/kustomization.yaml", old, new):
        codes = {(s.code, s.severity) for s in scope.signals}
        assert codes == {("kustomize.remote_version", "low")}, scope.signals
    # another resource in its place is still a removal
    other = old.replace("ctrl.crds.yaml", "other.crds.yaml").replace("v1.2.2/other", "v1.2.3/other")
    full, _ = scope_both("manifests/bases/ctrl/kustomization.yaml", old, other)
    assert any(s.kind == "resource_deletion" for s in full.signals)
