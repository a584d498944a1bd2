"""The intent as weighted words: which terms it states and how much each weighs, the file roles it
names, its identifier-like targets and the command-line options it names."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Intent
from ..record import record
from ..rx import lazy
from ..statements import clauses, stating_text
from ..terms import EXPANSIONS, is_identifier_like, is_stop, stem, stems, subwords, tokens, weight

#: words in the intent that name a file role
ROLE_WORDS: dict[str, frozenset[str]] = {
    "docs": stems(
        "doc docs documentation document readme typo typos spelling wording reword rewording "
        "markdown rst docstring docstrings comment comments guide tutorial link links"
    ),
    "test": stems(
        "test tests testing testsuite spec specs unittest pytest coverage fixture fixtures"
    ),
    "ci": stems(
        "ci workflow workflows pipeline pipelines action actions circleci travis jenkins gitlab "
        "github-actions job jobs runner runners"
    ),
    "changelog": stems("changelog changes news release-notes"),
    "dependency": stems(
        "bump upgrade downgrade dependency dependencies deps package packages requirement "
        "requirements lockfile pin version versions"
    ),
    "lockfile": stems("bump upgrade downgrade dependency dependencies deps lockfile lock"),
    "infra": stems(
        "terraform infra infrastructure helm chart charts k8s kubernetes manifest manifests "
        "kustomize kustomization deployment docker dockerfile compose cluster"
    ),
    "example": stems("example examples sample samples demo"),
    "governance": stems("codeowners owners dependabot renovate governance branch protection"),
    "agent": stems("agent agents copilot cursor claude instructions prompt mcp ai llm"),
}


@record
class IntentTerms:
    weights: dict[str, float]
    roles: frozenset[str]
    words: frozenset[str]  # stemmed words of what the intent states, stopwords included
    targets: frozenset[str]  # identifier-like targets, lowercased
    #: terms of the title, of clauses saying what the change does, and of clauses naming something
    #: specific: only these make evidence strong; prose in passing adds to a score, never decides it
    firm: frozenset[str] = frozenset()
    #: command-line options the intent names where it says what the change does ("Remove -v")
    flags: frozenset[str] = frozenset()

    def score(self, terms: Iterable[str], factor: float = 1.0) -> tuple[float, list[str]]:
        total = 0.0
        hits: list[str] = []
        for t in terms:
            w = self.weights.get(t)
            if w:
                total += w * factor
                hits.append(t)
        return total, hits


def intent_terms(intent: Intent) -> IntentTerms:
    weights: dict[str, float] = {}

    firm: set[str] = set()

    def add(text: str, factor: float, *, is_firm: bool = True) -> None:
        for tok in tokens(text):
            low = tok.lower()
            ident = is_identifier_like(tok) and len(low) > 2
            if ident:
                weights[low] = max(weights.get(low, 0.0), 2.0 * factor)
                if is_firm:
                    firm.add(low)
            parts = subwords(tok)
            for sw in parts:
                s = stem(sw)
                if is_stop(sw):
                    continue
                # `securityContext` is about security contexts, only a little about "security"
                w = weight(sw) * factor * (0.75 if ident and len(parts) > 1 else 1.0)
                # "auth" in the intent is "authentication" in the file, and back
                for t in (s, *EXPANSIONS.get(sw.lower(), ())):
                    weights[t] = max(weights.get(t, 0.0), w)
                    if is_firm:
                        firm.add(t)

    title = intent.title
    # "chore:", "feat(tf):": the kind of change, not a word of what it is about (its scope is)
    add(_ISSUE_LINK.sub(" ", _KIND_PREFIX.sub("", title, count=1)), 1.0)
    # the body speaks where it says what the change does or names something specific; prose in
    # passing ("thanks to everyone who reviewed the infrastructure docs") weighs little, so that
    # more words never explain more files
    budget = 20_000
    for c in clauses(intent.text):
        if budget <= 0:
            break
        if c.start == 0 and c.text.startswith(title[:40]):
            continue
        specific = c.stating or any(is_identifier_like(t) for t in tokens(c.text))
        add(_ISSUE_LINK.sub(" ", c.text[:budget]), 0.7, is_firm=specific)
        budget -= len(c.text)
    if intent.prompt:
        add(intent.prompt[:20_000], 1.0)
    # what the intent says the change does: the title and the clauses that say so; a word in passing
    # ("CI should be green", "thanks for the review of the deployment docs") states nothing
    words = frozenset(
        stem(t.lower()) for t in tokens(stating_text(intent) + " " + (intent.prompt or ""))
    )
    roles = frozenset(role for role, ws in ROLE_WORDS.items() if words & ws)
    targets = frozenset(
        t.lower() for t in intent.targets if is_identifier_like(t) or "/" in t or "." in t
    )
    flags = frozenset(FLAG_RE.findall(stating_text(intent) + "\n" + (intent.prompt or "")))
    return IntentTerms(weights, roles, words, targets, frozenset(firm), flags)


#: a conventional-commit type that names no file role (``docs:``, ``ci:``, ``test:`` do)
_KIND_PREFIX = lazy(r"^\s*(?i:feat|feature|chore|refactor|perf|style)(?=(?:\([^)]{0,80}\))?!?:\s)")

#: "Closes #22925:", "fixes GH-12": a link to an issue, not a word of what the change does
_ISSUE_LINK = lazy(r"(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+(?:#|gh-)\d+:?")

#: a command-line option standing on its own: `-v`, `--force-with-lease` (not "re-run", not "-1")
FLAG_RE = lazy(r"(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*)(?![\w-])")
