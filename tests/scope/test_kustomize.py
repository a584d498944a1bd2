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
