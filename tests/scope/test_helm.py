from __future__ import annotations

from pathlib import Path

from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "helm"


def test_a_new_values_file_changes_no_defaults() -> None:
    full, hunks = scope_both("charts/app/values-staging.yaml", None, "replicaCount: 2\n")
    assert full.signals == hunks.signals == ()
    assert [(s.name, s.change) for s in full.symbols] == [("replicaCount", "added")]


def test_templated_namespace_is_left_out_of_the_name() -> None:
    old = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-web\n"
        "  namespace: {{ .Release.Namespace }}\nspec:\n  type: ClusterIP\n"
    )
    full, hunks = scope_both(
        "charts/app/templates/web.yaml", old, old.replace("ClusterIP", "NodePort")
    )
    assert [s.name for s in full.symbols] == ["Service/{{ .Release.Name }}-web"]
    # the hunk does not show ``kind:``: the object cannot be named
    assert [s.kind for s in hunks.symbols] == ["file"]
    assert (
        {s.code for s in full.signals} == {s.code for s in hunks.signals} == {"k8s.service_exposed"}
    )


def test_a_values_key_moved_with_the_same_value_changes_no_default() -> None:
    from tests.helpers import scope_both

    old = "service:\n  enabled: true\n  annotations: {}\n  type: ClusterIP\n  additionalLabels: {}\n  port: 80\n"
    new = "service:\n  enabled: true\n  annotations: {}\n  additionalLabels: { }\n  type: ClusterIP\n  port: 80\n"
    for scope in scope_both("charts/app/values.yaml", old, new):
        assert not [s for s in scope.signals if s.code == "helm.values"], scope.signals
    changed = new.replace("additionalLabels: { }", "additionalLabels: {team: a}")
    for scope in scope_both("charts/app/values.yaml", old, changed):
        assert [s.severity for s in scope.signals if s.code == "helm.values"] == ["medium"]


def test_values_added_empty_render_as_before() -> None:
    old = "service:\n  enabled: true\n  type: ClusterIP\n"
    empty = 'service:\n  enabled: true\n  additionalLabels: {}\n  policy: ""\n  type: ClusterIP\n'
    for scope in scope_both("charts/app/values.yaml", old, empty):
        (sig,) = [s for s in scope.signals if s.code == "helm.values"]
        assert sig.severity == "info" and "render as before" in sig.detail
    real = "service:\n  enabled: true\n  policy: Local\n  type: ClusterIP\n"
    for scope in scope_both("charts/app/values.yaml", old, real):
        (sig,) = [s for s in scope.signals if s.code == "helm.values"]
        assert sig.severity == "low" and "new defaults" in sig.detail


def test_an_empty_key_added_where_the_hunk_cannot_show_its_parents() -> None:
    # twenty lines between the top-level key and the edit: a hunk shows neither it nor `deployment`
    filler = "".join(f"    opt{i}: {i}\n" for i in range(20))
    old = f"app:\n  deployment:\n{filler}    revisionHistoryLimit: 2\n\n    nodeSelector: {{}}\n"
    empty = old.replace(
        "revisionHistoryLimit: 2\n", "revisionHistoryLimit: 2\n\n    hostUsers: null\n"
    )
    for scope in scope_both("charts/app/values.yaml", old, empty):
        (sig,) = [s for s in scope.signals if s.code == "helm.values"]
        assert sig.severity == "info" and "`hostUsers`" in sig.detail, (scope.mode, sig)
    # a key with a value still changes every install's defaults
    real = old.replace(
        "revisionHistoryLimit: 2\n", "revisionHistoryLimit: 2\n\n    hostUsers: false\n"
    )
    for scope in scope_both("charts/app/values.yaml", old, real):
        (sig,) = [s for s in scope.signals if s.code == "helm.values"]
        assert sig.severity != "info"


def test_a_chart_default_that_turns_a_protection_off_is_high() -> None:
    from tests.helpers import scope_both

    old = (
        "replicaCount: 1\nnetworkPolicy:\n  create: true\npodDisruptionBudget:\n  enabled: true\n"
        "cluster:\n  enablePDB: true\nmetrics:\n  enabled: true\n"
    )
    for edit in (
        ("create: true", "create: false"),
        ("  enabled: true\ncluster", "  enabled: false\ncluster"),
        ("enablePDB: true", "enablePDB: false"),
    ):
        for fs in scope_both("charts/app/values.yaml", old, old.replace(*edit)):
            assert ("helm.protection_off", "high") in {(s.code, s.severity) for s in fs.signals}
    # a switch that protects nothing, or a protection turned on, is a plain values change
    for new in (
        old.replace("metrics:\n  enabled: true", "metrics:\n  enabled: false"),
        old.replace("create: true", "create: false")
        .replace("true", "false")
        .replace("create: false", "create: true"),
    ):
        for fs in scope_both("charts/app/values.yaml", old.replace("true", "false"), new):
            assert "helm.protection_off" not in {s.code for s in fs.signals}


def test_a_chart_default_that_turns_a_destruction_on_is_high() -> None:
    from tests.helpers import scope_both

    old = "cleanUpCRDs: false\nupgradeCRDs: true\nmetrics:\n  enabled: false\n"
    for fs in scope_both(
        "charts/velero/values.yaml", old, old.replace("cleanUpCRDs: false", "cleanUpCRDs: true")
    ):
        assert ("helm.protection_off", "high") in {(s.code, s.severity) for s in fs.signals}
    # turned off, it deletes nothing; a switch that destroys nothing is a plain values change
    for new, base in (
        (old, old.replace("cleanUpCRDs: false", "cleanUpCRDs: true")),
        (old.replace("enabled: false", "enabled: true"), old),
    ):
        for fs in scope_both("charts/velero/values.yaml", base, new):
            assert "helm.protection_off" not in {s.code for s in fs.signals}


def test_taking_the_keep_policy_off_a_volume_lets_uninstall_delete_it() -> None:
    from tests.helpers import scope_both

    old = (
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {{ .Release.Name }}-data\n"
        "  annotations:\n    helm.sh/resource-policy: keep\nspec:\n  accessModes:\n"
        "    - ReadWriteOnce\n"
    )
    new = old.replace("  annotations:\n    helm.sh/resource-policy: keep\n", "")
    for fs in scope_both("charts/app/templates/pvc.yaml", old, new):
        assert ("k8s.keep_policy_removed", "high") in {(s.code, s.severity) for s in fs.signals}
    # the policy moved, or kept, is no removal
    moved = old.replace("keep\nspec", "keep\n  labels:\n    app: data\nspec")
    for fs in scope_both("charts/app/templates/pvc.yaml", old, moved):
        assert "k8s.keep_policy_removed" not in {s.code for s in fs.signals}
