"""``reviewer replay``: public incidents whose cause was a change that did more than it said,
each replayed as an intent and a diff through the offline reviewer under the current policy.

The replays ship inside the wheel as ``reviewer.incidents`` (``examples/incidents/`` in the
checkout): one folder per incident with ``intent.txt``, ``change.diff`` and ``account.md`` (what
happened, in our words, with its public sources).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..record import record

#: question texts shown per incident in the text table
SHOWN_QUESTIONS = 3


@record
class Incident:
    slug: str
    title: str
    intent: str
    diff: bytes
    sources: tuple[str, ...]
    account: str


def incidents_dir() -> Path:
    """The installed replays, else the checkout's ``examples/incidents``."""
    try:
        from importlib import resources

        root = resources.files("reviewer.incidents")
        path = Path(str(root))
        if path.is_dir() and any(path.glob("*/change.diff")):
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "examples" / "incidents"


def load_incidents(folder: Path | None = None) -> list[Incident]:
    root = folder or incidents_dir()
    if not root.is_dir():
        raise UsageError(f"{root}: no incident replays here")
    found = []
    for sub in sorted(p for p in root.iterdir() if (p / "change.diff").is_file()):
        try:
            account = (sub / "account.md").read_text("utf-8")
            intent = (sub / "intent.txt").read_text("utf-8")
            diff = (sub / "change.diff").read_bytes()
        except OSError as exc:
            raise UsageError(f"{sub}: incomplete replay ({exc})") from exc
        title = next(
            (line[2:].strip() for line in account.splitlines() if line.startswith("# ")), sub.name
        )
        sources = tuple(re.findall(r"^- Source: (\S+)", account, re.M))
        found.append(Incident(sub.name, title, intent, diff, sources, account))
    if not found:
        raise UsageError(f"{root}: no incident replays here (folders with change.diff)")
    return found


def replay(incidents: Sequence[Incident], config: Any) -> list[dict[str, Any]]:
    """Each incident's review under ``config``: stopped or not, and with which questions."""
    from ..diff import decode, parse_diff
    from ..gate import decide
    from ..intent import parse_intent
    from ..pipeline import review_change

    rows = []
    for inc in incidents:
        diff = parse_diff(decode(inc.diff))
        result = review_change(
            diff,
            parse_intent(
                inc.intent, source="prompt" if inc.intent.lstrip().startswith("Prompt:") else "cli"
            ),
            config,
        )
        rows.append(
            {
                "incident": inc.slug,
                "title": inc.title,
                "sources": list(inc.sources),
                "stopped": decide(result, config.fail_on).blocked,
                "verdict": result.verdict,
                "blast_radius": result.blast_radius.level,
                "rules": sorted(
                    {f.rule for f in result.findings if not f.licensed and f.severity != "info"}
                ),
                "questions": [{"id": q.id, "text": q.text} for q in result.questions],
            }
        )
    return rows


def render_text(rows: Sequence[dict[str, Any]], *, policy: str) -> str:
    stopped = sum(1 for r in rows if r["stopped"])
    out = [f"incident replays under {policy}: {stopped} of {len(rows)} stopped", ""]
    for r in rows:
        mark = "STOPPED" if r["stopped"] else "passed "
        out.append(
            f"{mark} {r['incident']}: {r['verdict']}, blast radius {r['blast_radius']}"
            f" ({', '.join(r['rules']) or 'no findings'})"
        )
        out.append(f"        {r['title']}")
        for q in r["questions"][:SHOWN_QUESTIONS]:
            out.append(f"        ? {q['text']}")
        more = len(r["questions"]) - SHOWN_QUESTIONS
        if more > 0:
            out.append(f"        ... and {more} more question(s)")
        for s in r["sources"][:1]:
            out.append(f"        source: {s}")
        out.append("")
    return "\n".join(out)


def render_markdown(rows: Sequence[dict[str, Any]]) -> str:
    """The replay table for docs and release notes."""
    lines = [
        "| incident | stopped | verdict | blast radius | rules | first question |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        q = r["questions"][0]["text"] if r["questions"] else ""
        q = q.replace("|", "\\|")
        lines.append(
            f"| {r['incident']} | {'yes' if r['stopped'] else 'no'} | {r['verdict']} |"
            f" {r['blast_radius']} | {', '.join(r['rules'])} | {q} |"
        )
    return "\n".join(lines) + "\n"
