"""The frozen values that flow between stages: Diff -> Scope -> Analysis -> Review (DESIGN.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .record import field, record

if TYPE_CHECKING:
    from typing import Literal

# --- taxonomy -------------------------------------------------------------------------------

RESOURCE_DELETION = "resource_deletion"
REPLACEMENT = "replacement"
ENVIRONMENT_DEFINITION = "environment_definition"
PROTECTION_TOGGLE = "protection_toggle"
DESTRUCTIVE_DATA = "destructive_data"
PERMISSION_WIDENING = "permission_widening"
CI_CD = "ci_cd"
#: the symbol of the reviewer's own policy changes (scope/policy.py); questions.py asks who approved them
POLICY_SYMBOL = "reviewer policy"
AGENT_INSTRUCTIONS = "agent_instructions"
GLOBAL_CONFIG = "global_config"
DANGEROUS_COMMAND = "dangerous_command"
PUBLIC_API = "public_api"
DEPENDENCY = "dependency"
SIZE_VS_INTENT = "size_vs_intent"

#: change-kind id -> human title, in the order of DESIGN.md
CHANGE_KINDS: dict[str, str] = {
    RESOURCE_DELETION: "resource deletion",
    REPLACEMENT: "replacement",
    ENVIRONMENT_DEFINITION: "environment / state definition",
    PROTECTION_TOGGLE: "protection toggle",
    DESTRUCTIVE_DATA: "destructive data change",
    PERMISSION_WIDENING: "permission widening",
    CI_CD: "CI/CD and governance",
    AGENT_INSTRUCTIONS: "AI-agent instructions",
    GLOBAL_CONFIG: "global config / flags",
    DANGEROUS_COMMAND: "dangerous command",
    PUBLIC_API: "public API change",
    DEPENDENCY: "dependency change",
    SIZE_VS_INTENT: "size versus intent",
}

#: kinds that destroy, replace or expose: unlicensed, they are a mismatch whatever their severity
DESTRUCTIVE_KINDS = frozenset(
    {
        RESOURCE_DELETION,
        REPLACEMENT,
        ENVIRONMENT_DEFINITION,
        PROTECTION_TOGGLE,
        DESTRUCTIVE_DATA,
        PERMISSION_WIDENING,
        DANGEROUS_COMMAND,
    }
)

if TYPE_CHECKING:
    FileStatus = Literal["added", "deleted", "modified", "renamed", "copied"]
    SymbolChange = Literal["added", "deleted", "modified", "renamed", "signature"]
    Side = Literal["old", "new"]
    Verdict = Literal["aligned", "drift", "mismatch"]
    Level = Literal["low", "medium", "high", "critical"]
    Severity = Literal["info", "low", "medium", "high", "critical"]
    IntentSource = Literal["pr", "commit", "prompt", "cli"]
else:  # annotations only: at run time the names just have to exist for the modules importing them
    FileStatus = SymbolChange = Side = Verdict = Level = Severity = IntentSource = str

LEVELS: tuple[Level, ...] = ("low", "medium", "high", "critical")
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")
VERDICTS: tuple[Verdict, ...] = ("aligned", "drift", "mismatch")


def level_rank(level: str) -> int:
    return LEVELS.index(level)  # type: ignore[arg-type,unused-ignore]


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)  # type: ignore[arg-type,unused-ignore]


# --- diff -----------------------------------------------------------------------------------


@record
class Hunk:
    """One ``@@`` block. ``lines`` keep their one-character prefix (``+``, ``-`` or space)."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str
    lines: tuple[str, ...]

    def numbered(self) -> Iterator[tuple[str, int | None, int | None, str]]:
        """Yield ``(prefix, old_line, new_line, text)`` for every line of the hunk."""
        old, new = self.old_start, self.new_start
        for raw in self.lines:
            prefix, text = raw[:1], raw[1:]
            if prefix == "+":
                yield prefix, None, new, text
                new += 1
            elif prefix == "-":
                yield prefix, old, None, text
                old += 1
            else:
                yield " ", old, new, text
                old += 1
                new += 1


@record
class FileDiff:
    path: str  # the new path; the old path for a deletion
    old_path: str | None  # set for renames and copies
    status: FileStatus
    hunks: tuple[Hunk, ...] = ()
    binary: bool = False
    old_mode: str | None = None
    new_mode: str | None = None
    similarity: int | None = None
    #: abbreviated blob ids from the ``index`` line, when the diff has one
    old_blob: str | None = None
    new_blob: str | None = None
    #: problems met while reading this file's part of the diff (truncated hunk, ...)
    problems: tuple[str, ...] = ()

    @property
    def additions(self) -> int:
        return sum(1 for h in self.hunks for line in h.lines if line[:1] == "+")

    @property
    def deletions(self) -> int:
        return sum(1 for h in self.hunks for line in h.lines if line[:1] == "-")

    @property
    def submodule(self) -> bool:
        return "160000" in (self.old_mode, self.new_mode)

    @property
    def symlink(self) -> bool:
        return "120000" in (self.old_mode, self.new_mode)

    @property
    def mode_change(self) -> bool:
        return (
            self.old_mode is not None
            and self.new_mode is not None
            and self.old_mode != self.new_mode
        )


@record
class Diff:
    files: tuple[FileDiff, ...]

    @property
    def additions(self) -> int:
        return sum(f.additions for f in self.files)

    @property
    def deletions(self) -> int:
        return sum(f.deletions for f in self.files)


# --- scope ----------------------------------------------------------------------------------


@record
class Symbol:
    """A function, class, resource, Kubernetes object, workflow job ... touched by the change."""

    kind: str
    name: str
    change: SymbolChange
    line: int | None = None  # new side; old side when deleted
    old_name: str | None = None  # for renamed
    public: bool | None = None  # None where the language has no such notion


@record
class Signal:
    """Evidence that a change belongs to one of the change kinds of the taxonomy.

    ``code`` is the fine-grained, stable reason (``tf.resource_deleted``, ``gha.pull_request_target``).
    ``severity`` is the extractor's judgement of the change on its own (``low`` additive, ``medium``
    changes shared behaviour, ``high`` destroys, replaces or widens); the analysis raises it when the
    intent does not license the change. ``detail`` is one short sentence, identifiers in backticks.
    """

    kind: str
    code: str
    detail: str
    line: int | None = None
    side: Side = "new"
    symbol: str | None = None
    severity: Severity = "medium"


@record
class FileScope:
    path: str
    old_path: str | None
    status: FileStatus
    language: str  # a grammar name, or "text", "binary", "unknown"
    role: str = "code"  # code, test, docs, changelog, ci, infra, config, dependency ... (paths.py)
    symbols: tuple[Symbol, ...] = ()
    signals: tuple[Signal, ...] = ()
    additions: int = 0
    deletions: int = 0
    #: how the file was analysed: "full" (whole blobs), "hunks" (diff text), "none"
    mode: str = "hunks"
    #: why the file could not be (fully) analysed, or what is special about it
    notes: tuple[str, ...] = ()
    #: what a hunk-by-hunk comparison says the change is limited to, when it is:
    #: "whitespace", "comments" (and docstrings) or "strings" (and comments); None for real code changes
    cosmetic: str | None = None
    similarity: int | None = None

    @property
    def change_kinds(self) -> tuple[str, ...]:
        seen = {s.kind for s in self.signals}
        return tuple(k for k in CHANGE_KINDS if k in seen)


@record
class Scope:
    files: tuple[FileScope, ...]


# --- intent ---------------------------------------------------------------------------------


@record
class Intent:
    source: IntentSource
    text: str
    type: str | None = None  # conventional type: fix, feat, refactor, docs, chore, ...
    title: str = ""
    verbs: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()  # identifiers, paths and component names, as written
    size_words: tuple[str, ...] = ()
    allowances: tuple[str, ...] = ()  # "also removes X" -> "removes X"
    constraints: tuple[str, ...] = ()  # "no infra changes"
    issue_refs: tuple[str, ...] = ()
    prompt: str | None = None  # an AI assistant's prompt found in the text

    @property
    def empty(self) -> bool:
        return not self.text.strip()


# --- analysis and review ----------------------------------------------------------------------


@record
class Span:
    """A quoted piece of the intent: its text and where it stands in ``Intent.text``."""

    text: str
    start: int
    end: int


@record
class Finding:
    id: str  # stable fingerprint
    rule: str
    severity: Severity
    title: str
    path: str | None = None
    line: int | None = None
    symbol: str | None = None
    source: Literal["rules", "llm"] = "rules"
    kind: str | None = None  # change-kind id when the finding is about one
    side: Side = "new"
    confidence: float | None = None  # llm findings only
    #: the intent states this change: it counts for the blast radius and asks its questions,
    #: but is not a mismatch
    licensed: bool = False
    #: the clause of the intent that states this change (risky kinds are licensed only so)
    stated: Span | None = None
    #: a clause that named the object without saying the action: it came close, and licenses nothing
    near: Span | None = None


@record
class Question:
    id: str
    finding: str
    text: str
    answered: bool = False
    answer: str | None = None
    #: every finding this question asks about (one concern: an object, a module, the unexplained files)
    findings: tuple[str, ...] = ()
    #: ids the findings' questions had when each asked its own: an answer to one of them still counts
    aliases: tuple[str, ...] = ()


@record
class BlastRadius:
    level: Level
    reasons: tuple[str, ...] = ()


@record
class FileReview:
    """A file's scope with the analysis' judgement of it."""

    scope: FileScope
    explained: bool
    explained_by: tuple[str, ...] = ()
    unexplained_symbols: tuple[str, ...] = ()


@record
class Stats:
    files: int = 0
    additions: int = 0
    deletions: int = 0
    elapsed_ms: int = 0
    llm_tokens: int = 0
    llm_calls: int = 0
    llm_cost_usd: float = 0.0


@record
class Review:
    verdict: Verdict
    requires_answers: bool
    blast_radius: BlastRadius
    intent: Intent
    files: tuple[FileReview, ...]
    findings: tuple[Finding, ...]
    questions: tuple[Question, ...]
    out_of_scope_paths: tuple[str, ...] = ()
    #: questions past the policy's ``max_questions``: listed with their findings, not asked, not gating
    folded_questions: tuple[Question, ...] = ()
    degraded: bool = False
    summary: str | None = None
    stats: Stats = field(default_factory=Stats)
    #: free-form facts about how the review was made (llm model, prompt version, coverage ...)
    notes: tuple[str, ...] = ()
    llm: dict[str, object] | None = None
