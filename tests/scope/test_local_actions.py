"""A deleted local action whose last `uses:` the same change removes destroys nothing more."""

from __future__ import annotations

from reviewer.diff import parse_diff
from reviewer.intent import parse_intent
from reviewer.review import review
from reviewer.scope import build_scope
from tests.helpers import git_diff

ACTION = "name: kubeconform\nruns:\n  using: composite\n  steps:\n    - run: kubeconform -strict ./kustomize\n      shell: bash\n"
WF_OLD = (
    "name: test\non: [pull_request]\njobs:\n  validate:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/checkout@v4\n      - uses: ./.github/actions/kubeconform\n"
)
WF_NEW = (
    "name: test\non: [pull_request]\njobs:\n  validate:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/checkout@v4\n      - run: flux-schema validate ./kustomize\n"
)


def _diff(wf_new: str) -> str:
    return git_diff(".github/actions/kubeconform/action.yml", ACTION, None) + git_diff(
        ".github/workflows/test.yml", WF_OLD, wf_new
    )


def _action_signal(text: str) -> tuple[str, str]:
    scope = build_scope(parse_diff(text))
    fs = next(f for f in scope.files if f.path.endswith("action.yml"))
    (sig,) = [s for s in fs.signals if s.code == "gha.action_deleted"]
    return sig.severity, sig.detail


def test_the_action_whose_last_use_leaves_is_low_and_says_why() -> None:
    severity, detail = _action_signal(_diff(WF_NEW))
    assert severity == "low" and "last use" in detail and "test.yml" in detail


def test_an_action_still_used_by_an_added_line_stays_high() -> None:
    kept = WF_NEW.replace(
        "      - run: flux", "      - uses: ./.github/actions/kubeconform\n      - run: flux"
    )
    assert _action_signal(_diff(kept))[0] == "high"


def test_an_action_deleted_alone_stays_high() -> None:
    text = git_diff(".github/actions/kubeconform/action.yml", ACTION, None)
    assert _action_signal(text)[0] == "high"


def test_a_ci_intent_that_swaps_the_tool_is_aligned() -> None:
    text = _diff(WF_NEW)
    r = review(parse_diff(text), parse_intent("", title="Validate manifests with Flux Schema CLI"))
    assert r.verdict == "aligned"
    fr = next(f for f in r.files if f.scope.path.endswith("action.yml"))
    assert fr.explained and any("last use" in e for e in fr.explained_by)
