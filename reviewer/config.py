"""The review policy: safe defaults, overridden by ``.reviewer.toml`` or ``[tool.reviewer]``.

Reviewing a git range reads the policy from the BASE revision (``commands/review.py`` and the
hooks do that), so a change can never weaken the policy that reviews it. Unknown keys and wrong types are errors, not silence.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from .errors import ConfigError
from .models import LEVELS, level_rank
from .record import field, record, replace

if TYPE_CHECKING:
    from typing import Any

CONFIG_FILE = ".reviewer.toml"
FAIL_ON = ("never", "mismatch", "drift", "high")


#: judged as explained whatever the intent: vendored and generated trees
DEFAULT_IGNORE = (
    "**/vendor/**",
    "**/node_modules/**",
    "**/*.min.js",
    "**/*.min.css",
    "**/*.snap",
)


@record
class CriticalPath:
    pattern: str
    level: str  # the blast radius this path is at least
    label: str = ""


@record
class QuestionTemplate:
    """A team's own question, asked for findings whose rule id or change kind matches ``when``."""

    when: str  # rule id prefix ("RV2") or change-kind id ("resource_deletion")
    text: str  # may use {path}, {symbol}, {title}


@record
class LLMSettings:
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    max_input_tokens: int = 12000
    max_output_tokens: int = 1500
    timeout_s: float = 60.0
    deadline_s: float = 180.0
    max_retries: int = 3
    concurrency: int = 4
    temperature: float = 0.0


#: ``[agent]`` values: the least blast radius whose open questions block ("never": none do), and
#: the highest at which the agent's own reply may answer a question ("never": it never may)
AGENT_MODES = ("block", "warn")
AGENT_LEVELS = ("never", *LEVELS)


@record
class AgentPolicy:
    """How the agent hooks treat a change that needs answers (``[agent]``).

    ``mode``: ``block`` sends the agent back once with the questions, ``warn`` only tells the user.
    ``block_at``: open questions on a change at least this blast radius block (a review that
    requires answers always does: ``gate.py``). ``agent_may_answer``: the highest blast radius at which the agent's own reply may answer
    a question; above it the answer must come from the user's prompt or a human.
    """

    mode: str = "block"
    block_at: str = "high"
    agent_may_answer: str = "medium"


@record
class Config:
    fail_on: str = "mismatch"
    critical_paths: tuple[CriticalPath, ...] = ()
    ignore: tuple[str, ...] = DEFAULT_IGNORE
    protected: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    questions: tuple[QuestionTemplate, ...] = ()
    #: open questions asked at most (ranked by risk); the rest are listed as folded, never dropped
    max_questions: int = 7
    ai_markers: tuple[str, ...] = ()
    senior_reviewers: tuple[str, ...] = ()
    llm: LLMSettings = field(default_factory=LLMSettings)
    agent: AgentPolicy = field(default_factory=AgentPolicy)
    source: str = "defaults"

    def rule_enabled(self, rule: str) -> bool:
        if self.select and not any(rule.startswith(p) for p in self.select):
            return False
        return not any(rule.startswith(p) for p in self.disable)

    def ignored(self, path: str) -> bool:
        return any(glob_match(path, g) for g in self.ignore)

    def critical_level(self, path: str) -> CriticalPath | None:
        best: CriticalPath | None = None
        for cp in self.critical_paths:
            if glob_match(path, cp.pattern) and (
                best is None or level_rank(cp.level) > level_rank(best.level)
            ):
                best = cp
        return best

    def is_protected(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, p) for p in self.protected)

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **changes)


_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def glob_match(path: str, pattern: str) -> bool:
    """Git-style globs: ``**`` crosses directories, ``*`` does not; a pattern without ``/`` matches a
    basename anywhere."""
    rx = _GLOB_CACHE.get(pattern)
    if rx is None:
        pat = pattern.lstrip("/") if "/" in pattern.rstrip("/") else "**/" + pattern
        if pat.endswith("/"):
            pat += "**"
        out = []
        i = 0
        while i < len(pat):
            c = pat[i]
            if pat.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
            elif pat.startswith("**", i):
                out.append(".*")
                i += 2
            elif c == "*":
                out.append("[^/]*")
                i += 1
            elif c == "?":
                out.append("[^/]")
                i += 1
            else:
                out.append(re.escape(c))
                i += 1
        rx = _GLOB_CACHE[pattern] = re.compile("".join(out) + "(?:/.*)?$")
    return rx.match(path) is not None


def load_text(text: str, *, source: str, pyproject: bool = False) -> Config:
    """Parse policy TOML text. ``pyproject`` reads the ``[tool.reviewer]`` table."""
    # imported here: most reviews have no policy file, and the parser costs start-up time
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    if pyproject:
        table = data.get("tool", {}).get("reviewer")
        if table is None:
            return Config(source="defaults")
        data = table
    return from_mapping(data, source=source)


def from_mapping(data: Mapping[str, Any], *, source: str) -> Config:
    def fail(msg: str) -> ConfigError:
        return ConfigError(f"{source}: {msg}")

    known = {
        "fail_on",
        "critical_paths",
        "ignore",
        "protected",
        "rules",
        "questions",
        "max_questions",
        "ai_markers",
        "senior_reviewers",
        "llm",
        "agent",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")

    def str_list(value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"{key} must be a list of strings")
        return tuple(value)

    fail_on = data.get("fail_on", "mismatch")
    if fail_on not in FAIL_ON:
        raise fail(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")

    critical: list[CriticalPath] = []
    raw_cp = data.get("critical_paths", [])
    if isinstance(raw_cp, dict):
        raw_cp = [{"pattern": k, "level": v} for k, v in raw_cp.items()]
    if not isinstance(raw_cp, list):
        raise fail("critical_paths must be a table of glob = level, or a list of tables")
    for item in raw_cp:
        if not isinstance(item, dict) or not isinstance(item.get("pattern"), str):
            raise fail("each critical path needs a string 'pattern'")
        level = item.get("level", "high")
        if level not in LEVELS:
            raise fail(
                f"critical path {item['pattern']!r}: level must be one of {', '.join(LEVELS)}"
            )
        label = item.get("label", "")
        if not isinstance(label, str):
            raise fail("critical path label must be a string")
        critical.append(CriticalPath(item["pattern"], level, label))

    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise fail("[rules] must be a table with 'select' and/or 'ignore'")
    bad = sorted(set(rules) - {"select", "ignore"})
    if bad:
        raise fail(f"unknown key rules.{bad[0]} (known: select, ignore)")
    select = str_list(rules.get("select", []), "rules.select")
    disable = str_list(rules.get("ignore", []), "rules.ignore")

    questions: list[QuestionTemplate] = []
    raw_q = data.get("questions", [])
    if not isinstance(raw_q, list):
        raise fail("questions must be a list of tables with 'when' and 'text'")
    for item in raw_q:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("when"), str)
            or not isinstance(item.get("text"), str)
        ):
            raise fail("each question needs string 'when' and 'text'")
        if not item["text"].strip():
            raise fail("a question's text must not be empty")
        questions.append(QuestionTemplate(item["when"], item["text"]))

    llm = LLMSettings()
    raw_llm = data.get("llm", {})
    if not isinstance(raw_llm, dict):
        raise fail("[llm] must be a table")
    llm_fields = {
        "model": str,
        "base_url": str,
        "max_input_tokens": int,
        "max_output_tokens": int,
        "timeout_s": (int, float),
        "deadline_s": (int, float),
        "max_retries": int,
        "concurrency": int,
        "temperature": (int, float),
    }
    for key, value in raw_llm.items():
        if key not in llm_fields:
            raise fail(f"unknown key llm.{key} (known: {', '.join(llm_fields)})")
        if isinstance(value, bool) or not isinstance(value, llm_fields[key]):  # type: ignore[arg-type]
            raise fail(f"llm.{key} has the wrong type")
        if (
            key
            in ("max_input_tokens", "max_output_tokens", "concurrency", "timeout_s", "deadline_s")
            and value <= 0
        ):
            raise fail(f"llm.{key} must be positive")
        if key == "max_retries" and value < 0:
            raise fail("llm.max_retries must not be negative")
    if raw_llm:
        llm = replace(llm, **raw_llm)

    agent = _agent_policy(data.get("agent", {}), fail)
    max_questions = data.get("max_questions", 7)
    if isinstance(max_questions, bool) or not isinstance(max_questions, int) or max_questions < 1:
        raise fail(f"max_questions must be a whole number of at least 1, not {max_questions!r}")

    return Config(
        fail_on=fail_on,
        critical_paths=tuple(critical),
        ignore=str_list(data["ignore"], "ignore") if "ignore" in data else DEFAULT_IGNORE,
        protected=str_list(data.get("protected", []), "protected"),
        select=select,
        disable=disable,
        questions=tuple(questions),
        max_questions=max_questions,
        ai_markers=str_list(data.get("ai_markers", []), "ai_markers"),
        senior_reviewers=str_list(data.get("senior_reviewers", []), "senior_reviewers"),
        llm=llm,
        agent=agent,
        source=source,
    )


def _agent_policy(raw: Any, fail: Callable[[str], ConfigError]) -> AgentPolicy:
    if not isinstance(raw, dict):
        raise fail("[agent] must be a table")
    choices = {"mode": AGENT_MODES, "block_at": AGENT_LEVELS, "agent_may_answer": AGENT_LEVELS}
    for key, value in raw.items():
        if key not in choices:
            raise fail(f"unknown key agent.{key} (known: {', '.join(choices)})")
        if value not in choices[key]:
            raise fail(f"agent.{key} must be one of {', '.join(choices[key])}, not {value!r}")
    return AgentPolicy(**raw)


def load_from_texts(reviewer_toml: str | None, pyproject_toml: str | None) -> Config:
    """The policy from the two files' texts (as read from disk or from a base revision)."""
    if reviewer_toml is not None:
        return load_text(reviewer_toml, source=CONFIG_FILE)
    if pyproject_toml is not None:
        return load_text(pyproject_toml, source="pyproject.toml [tool.reviewer]", pyproject=True)
    return Config()


def load_at(
    read: Callable[[str], str | None], *, where: str = "", path: str | None = None
) -> Config:
    """The policy as one revision has it, through ``read(path) -> text or None``.

    ``path`` names the policy file (it must exist there); otherwise ``.reviewer.toml``, then
    ``[tool.reviewer]`` in ``pyproject.toml``. ``where`` ("at 1a2b3c4d") goes into ``source``.
    """
    suffix = f" {where}" if where else ""
    if path:
        text = read(path)
        if text is None:
            raise ConfigError(f"{path} does not exist{suffix}")
        return load_text(text, source=path + suffix, pyproject=path.endswith("pyproject.toml"))
    own = read(CONFIG_FILE)
    conf = load_from_texts(own, read("pyproject.toml") if own is None else None)
    return conf if conf.source == "defaults" else conf.with_overrides(source=conf.source + suffix)


def load_file(path: str) -> Config:
    """A policy file named on the command line (``--config``)."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise ConfigError(f"--config {path}: cannot read ({exc.strerror or exc})") from exc
    return load_text(text, source=path, pyproject=path.endswith("pyproject.toml"))
