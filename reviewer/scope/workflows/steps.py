"""Steps whose removal weakens a pipeline: checks, security scans, provenance, releases."""

from __future__ import annotations

import re

from ...models import CI_CD, Signal
from ...rx import lazy
from ..engine import squash
from ..yaml_view import Change, count_by
from .lines import signal_at, step_name, uses_of
from .scripts import script_lines

#: test, lint and type-check commands of a `run:` script
_CHECK_RUN = lazy(
    r"\b(pytest|tox|nox|mypy|ruff|flake8|pylint|pyright|eslint|tsc|golangci-lint|rspec|phpunit"
    r"|vitest|jest|mocha"
    r"|(npm|yarn|pnpm|bun)\s+(run\s+)?(test|lint|typecheck|type-check|check)"
    r"|go\s+(test|vet)|cargo\s+(test|clippy)|make\s+(test|lint|check)|pre-commit\s+run"
    r"|(gradle\w*|\./gradlew)\s+(test|check)|mvn\s+(test|verify)|dotnet\s+test)\b",
    re.I,
)
#: release, publish and deploy commands of a `run:` script
RELEASE_RUN = lazy(
    r"\b(twine\s+upload|(npm|yarn|pnpm|cargo|poetry|uv|flit|hatch|gem|dotnet\s+nuget)\s+(publish|push)"
    r"|gh\s+release\s+(create|upload)|docker\s+push|helm\s+(push|upgrade|install)|mvn\s+deploy"
    r"|gradle\w*\s+publish|kubectl\s+apply|terraform\s+apply|skaffold\s+(run|deploy)"
    r"|gcloud\s+(\S+\s+)*deploy|(sam|serverless|sls|firebase|cdk)\s+deploy|aws\s+s3\s+sync)\b",
    re.I,
)
#: steps whose net removal weakens the pipeline (high): code -> (``uses:`` pattern, ``run:`` pattern, what)
_STEP_CLASSES: dict[str, tuple[re.Pattern[str], re.Pattern[str] | None, str]] = {
    "gha.provenance_removed": (
        lazy(r"slsa|attest|sigstore|cosign|in-toto|witness|provenance", re.I),
        lazy(r"\bcosign\s+(sign|attest)|\bgh\s+attestation|\bslsa-|\bsigstore\b", re.I),
        "provenance, signing or attestation",
    ),
    "gha.security_step_removed": (
        lazy(
            r"codeql|zizmor|dependency-review|trivy|snyk|gitleaks|trufflehog|semgrep|scorecard"
            r"|anchore|grype|bandit|osv-scanner|checkov|tfsec|kics|harden-runner|govulncheck|gosec",
            re.I,
        ),
        None,
        "security scanning",
    ),
    "gha.check_removed": (
        lazy(r"golangci-lint|pre-commit|super-linter|ruff|eslint|typos|mypy|pylint", re.I),
        _CHECK_RUN,
        "a test, lint or type-check step that gates merges",
    ),
    "gha.release_step_removed": (
        lazy(r"publish|deploy|release|build-push|push-action|gh-pages|upload-artifact-to", re.I),
        RELEASE_RUN,
        "a release, publish or deploy step",
    ),
}
_INSTALL_RE = lazy(r"\b(install|add|setup)\b", re.I)
_CHECK_NAME_RE = lazy(
    r"\b(lint|linting|linters?|tests?|testing|type[- ]?check(s|ing)?|typing|static analysis|mypy"
    r"|ruff|eslint|vet|pre-commit|unit|integration|e2e)\b",
    re.I,
)


#: a step named for a security scan, whatever runs it
_SCAN_NAME_RE = lazy(
    r"\b(vulnerabilit(y|ies)|cve|sast|security|secrets?)\b.*\bscan(s|ning|ner)?\b"
    r"|\bscan(s|ning)?\b.*\b(vulnerabilit(y|ies)|cves?)\b",
    re.I,
)


def check_of(lines: list[str]) -> str | None:
    """The check a job's or step's lines run (`golangci-lint`, `npm test`, `- name: Unit tests`,
    a security scanner), described, or None."""
    for text in lines:
        key, _, value = text.partition(":")
        key, value = key.strip(" -"), value.strip()
        if key == "name" and (_SCAN_NAME_RE.search(value) or _CHECK_NAME_RE.search(value)):
            return f"`{value}`"
        if key == "uses":
            for code, (pattern, _run, what) in _STEP_CLASSES.items():
                if code != "gha.release_step_removed" and pattern.search(value):
                    return f"{what} (`{value.partition('@')[0]}`)"
        m = _CHECK_RUN.search(text)
        if m is not None and not _INSTALL_RE.search(text):
            return f"`{m.group(0)}`"
    return None


#: step classes where another step of the class takes the removed one's place: a check for a
#: check, a scanner for a scanner
_NET_BY_CLASS = frozenset({"gha.check_removed", "gha.security_step_removed"})


#: what makes a command unable to fail: `npm test || true`, `pytest; true`, `make lint || exit 0`
_CANNOT_FAIL = lazy(r"\|\|\s*(?:true|:|exit\s+0)\s*(?:$|[;&|#)])|;\s*true\s*$")


def neutralized_checks(removed: list[Change], added: list[Change]) -> list[Signal]:
    """Check commands the change makes unable to fail (`npm test || true`): the step stays, but
    what it checked no longer gates merges, as if it were removed."""
    if not any("||" in c.text or "true" in c.text for c in added):
        return []  # the common case: nothing added could neutralize a command
    before = {squash(text) for _line, text in script_lines(removed) if _CANNOT_FAIL.search(text)}
    by_line = {c.line: c for c in added}
    out: list[Signal] = []
    for line, text in script_lines(added):
        m = _CHECK_RUN.search(text)
        if m is None or _INSTALL_RE.search(text) or not _CANNOT_FAIL.search(text[m.end() :]):
            continue
        if squash(text) in before:
            continue
        detail = f"makes `{m.group(0)}` unable to fail (`{text.strip()[:80]}`): it no longer gates merges"
        out.append(signal_at(CI_CD, "gha.check_removed", detail, by_line[line], "high"))
    return out


def removed_steps(removed: list[Change], added: list[Change]) -> tuple[list[Signal], int]:
    """Provenance, security or release steps the change takes out without putting them back, and
    how many it took out and put back."""
    out: list[Signal] = []
    netted = 0

    def tokens(chs: list[Change]) -> list[tuple[str, str, Change]]:
        found: list[tuple[str, str, Change]] = []
        for ch in chs:
            step = step_name(ch)
            if step and _SCAN_NAME_RE.search(step):
                # `- name: Vulnerability scan`: what the step is for, whichever tool runs it
                found.append(("gha.security_step_removed", step.lower(), ch))
                continue
            if step and _CHECK_NAME_RE.search(step):
                # `- name: Run linting checks` / `run: scripts/check`: what the step is for
                found.append(("gha.check_removed", step.lower(), ch))
                continue
            uses = uses_of(ch)
            if uses:
                name = uses.partition("@")[0].lower()
                for code, (pattern, _run, _what) in _STEP_CLASSES.items():
                    if pattern.search(name):
                        found.append((code, name, ch))
                        break
        by_line = {c.line: c for c in chs}
        for line, text in script_lines(chs):
            if _INSTALL_RE.search(text):
                continue  # `pip install ruff` installs a check; it does not run one
            for code, (_pattern, run, _what) in _STEP_CLASSES.items():
                m = run.search(text) if run is not None else None
                if m is not None:
                    found.append((code, squash(m.group(0).lower()), by_line[line]))
                    break
        return found

    # a check replaced by another check (`ruff check .` -> `ruff-action`), a scanner by another
    # scanner (trivy -> govulncheck), still gates merges; a release by another still releases
    def tag_of(code: str, name: str) -> str:
        return code if code in _NET_BY_CLASS else f"{code}:{name}"

    fresh = tokens(added)
    back = count_by(tag_of(code, name) for code, name, _ in fresh)
    # a release step replaced by the project's own command (`softprops/action-gh-release` ->
    # `gh release create`) still releases and hands the token to nobody new; replaced by another
    # third-party action, it does hand it on, which is for the intent to say
    by_command = sum(
        1
        for _line, text in script_lines(added)
        if not _INSTALL_RE.search(text) and RELEASE_RUN.search(text)
    )
    for code, name, ch in tokens(removed):
        tag = tag_of(code, name)
        if back.get(tag, 0) > 0:
            back[tag] -= 1
            netted += 1
            continue
        if code == "gha.release_step_removed" and by_command > 0:
            by_command -= 1
            netted += 1
            continue
        what = _STEP_CLASSES[code][2]
        sig = signal_at(CI_CD, code, f"removes {what} (`{name}`)", ch, "high")
        # a step's name and its `uses:` both tell what it is: one finding a job and kind
        if not any(o.code == sig.code and o.symbol == sig.symbol for o in out):
            out.append(sig)
    return out, netted
