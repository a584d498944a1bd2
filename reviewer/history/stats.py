"""``reviewer stats``: what the review history says. Blocks and time-to-answer over time, the
dismiss rate per rule (the rules to refine), AI-assisted changes against the others by blast
radius, and the questions authors answer with placeholders."""

from __future__ import annotations

import calendar
import statistics
import time
from collections import Counter, defaultdict
from typing import Any

from .store import Store

SCHEMA = "intent-reviewer/stats/1"
LEVELS = ("low", "medium", "high", "critical")


def _epoch(iso: str) -> float:
    """Seconds since the epoch of a recorded UTC time."""
    return float(calendar.timegm(time.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S")))


def compute(
    store: Store, *, since: str | None = None, repository: str | None = None
) -> dict[str, Any]:
    """The history's statistics; ``since`` (``YYYY-MM-DD``) and ``repository`` narrow it."""
    db = store.db
    where, args = ["1 = 1"], []
    if since:
        where.append("recorded_at >= ?")
        args.append(since)
    if repository:
        where.append("repository = ?")
        args.append(repository)
    cond = " AND ".join(where)
    reviews = db.execute(
        "SELECT id, recorded_at, repository, pr, commit_sha, ai_assisted, verdict, blast_radius,"
        f" blocked FROM reviews WHERE {cond} ORDER BY recorded_at, id",
        args,
    ).fetchall()
    ids = [r[0] for r in reviews]
    scope = f"SELECT id FROM reviews WHERE {cond}"

    months: dict[str, Counter[str]] = defaultdict(Counter)
    for _id, at, *_rest, verdict, _level, blocked in reviews:
        m = months[at[:7]]
        m["reviews"] += 1
        m["blocked"] += int(blocked)
        m[verdict] += 1

    # time to answer: from the first review that asked a question to its first accepted answer
    asked: dict[str, str] = {}
    for qid, at in db.execute(
        "SELECT upper(q.question_id), min(r.recorded_at) FROM questions q JOIN reviews r ON"
        f" r.id = q.review_id WHERE r.id IN ({scope}) GROUP BY upper(q.question_id)",
        args,
    ):
        asked[qid] = at
    answered: dict[str, str] = {}
    for qid, at in db.execute(
        "SELECT question_id, min(answered_at) FROM answers WHERE accepted = 1 GROUP BY question_id"
    ):
        answered[qid] = at
    waits: dict[str, list[float]] = defaultdict(list)
    all_waits = []
    for qid, at in asked.items():
        if qid in answered:
            hours = max(0.0, (_epoch(answered[qid]) - _epoch(at)) / 3600)
            waits[at[:7]].append(hours)
            all_waits.append(hours)

    month_rows = []
    for month in sorted(months):
        c = months[month]
        w = waits.get(month, [])
        month_rows.append(
            {
                "month": month,
                "reviews": c["reviews"],
                "blocked": c["blocked"],
                "aligned": c["aligned"],
                "drift": c["drift"],
                "mismatch": c["mismatch"],
                "answered": len(w),
                "median_hours_to_answer": round(statistics.median(w), 2) if w else None,
            }
        )

    # dismiss rate per rule: distinct findings dismissed over distinct findings raised
    fired: dict[str, set[str]] = defaultdict(set)
    for rule, fid in db.execute(
        "SELECT rule, finding_id FROM findings WHERE licensed = 0 AND severity != 'info' AND"
        f" review_id IN ({scope})",
        args,
    ):
        fired[rule].add(fid)
    dismissed: dict[str, set[str]] = defaultdict(set)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for rule, fid, reason in db.execute(
        "SELECT coalesce(rule, '?'), finding_id, reason FROM dismissals"
        + (" WHERE repository = ?" if repository else ""),
        [repository] if repository else [],
    ):
        dismissed[rule].add(fid)
        reasons[rule][reason.strip().lower()[:80]] += 1
    rules: list[dict[str, Any]] = []
    for rule in sorted(set(fired) | set(dismissed)):
        n, d = len(fired.get(rule, ())), len(dismissed.get(rule, ()))
        rules.append(
            {
                "rule": rule,
                "findings": n,
                "dismissed": d,
                "dismiss_rate": round(d / n, 4) if n else None,
                "reasons": [r for r, _ in reasons[rule].most_common(3)],
            }
        )
    rules.sort(
        key=lambda r: (-(r["dismiss_rate"] or 0), -r["dismissed"], -r["findings"], r["rule"])
    )

    ai: dict[str, dict[str, int]] = {
        level: {"ai": 0, "other": 0, "ai_blocked": 0, "other_blocked": 0} for level in LEVELS
    }
    for row in reviews:
        who = "ai" if row[5] == 1 else "other"
        ai[row[7]][who] += 1
        ai[row[7]][f"{who}_blocked"] += int(row[8])

    rows = db.execute(
        "SELECT a.question_id, a.text, a.reason, coalesce(f.rule, '?') FROM answers a"
        " LEFT JOIN questions q ON upper(q.question_id) = a.question_id AND q.review_id ="
        " (SELECT max(review_id) FROM questions WHERE upper(question_id) = a.question_id)"
        " LEFT JOIN findings f ON f.finding_id = q.finding_id AND f.review_id = q.review_id"
        " WHERE a.review_id IS NULL OR a.review_id IN (" + scope + ")",
        args,
    ).fetchall()
    refused = [r for r in rows if r[2]]
    placeholder_texts = Counter(r[1].strip().lower()[:60] for r in refused)
    by_rule = Counter(r[3] for r in refused)
    return {
        "schema": SCHEMA,
        "totals": {
            "reviews": len(ids),
            "blocked": sum(int(r[8]) for r in reviews),
            "block_rate": round(sum(int(r[8]) for r in reviews) / len(ids), 4) if ids else None,
            "questions_answered": len(all_waits),
            "median_hours_to_answer": round(statistics.median(all_waits), 2) if all_waits else None,
            "answers": len(rows),
            "placeholder_answers": len(refused),
            "dismissals": sum(len(v) for v in dismissed.values()),
        },
        "months": month_rows,
        "rules": rules,
        "ai_by_blast_radius": ai,
        "placeholders": {
            "answers": len(rows),
            "refused": len(refused),
            "rate": round(len(refused) / len(rows), 4) if rows else None,
            "common": [{"text": t, "count": c} for t, c in placeholder_texts.most_common(10)],
            "by_rule": [{"rule": r, "count": c} for r, c in by_rule.most_common(10)],
        },
    }


def render_text(stats: dict[str, Any]) -> str:
    t = stats["totals"]
    out = [
        f"review history: {t['reviews']} reviews, {t['blocked']} blocked"
        + (f" ({t['block_rate'] * 100:.1f}%)" if t["block_rate"] is not None else ""),
        f"  questions answered: {t['questions_answered']}, median time to answer: "
        + (
            f"{t['median_hours_to_answer']} h" if t["median_hours_to_answer"] is not None else "n/a"
        ),
        f"  answers: {t['answers']}, refused as placeholders: {t['placeholder_answers']};"
        f" dismissals: {t['dismissals']}",
        "",
        "month     reviews  blocked  answered  median h to answer",
    ]
    for m in stats["months"]:
        hours = "-" if m["median_hours_to_answer"] is None else str(m["median_hours_to_answer"])
        out.append(
            f"{m['month']:<9} {m['reviews']:>7}  {m['blocked']:>7}  {m['answered']:>8}  {hours:>18}"
        )
    out += ["", "dismiss rate per rule (the rules to refine first):"]
    for r in stats["rules"][:15]:
        rate = "-" if r["dismiss_rate"] is None else f"{r['dismiss_rate'] * 100:.0f}%"
        why = f"  e.g. {r['reasons'][0]!r}" if r["reasons"] else ""
        out.append(
            f"  {r['rule']:<7} {r['dismissed']:>4} of {r['findings']:>4} dismissed ({rate}){why}"
        )
    out += ["", "AI-assisted vs other changes by blast radius (reviews, blocked):"]
    for level, c in stats["ai_by_blast_radius"].items():
        out.append(
            f"  {level:<8} AI {c['ai']:>4} ({c['ai_blocked']} blocked)   other {c['other']:>4}"
            f" ({c['other_blocked']} blocked)"
        )
    p = stats["placeholders"]
    out += ["", f"placeholder answers: {p['refused']} of {p['answers']}"]
    for c in p["common"][:5]:
        out.append(f"  {c['count']:>4} x {c['text']!r}")
    return "\n".join(out) + "\n"


def render_html(stats: dict[str, Any], *, title: str = "Review history") -> str:
    from . import report_html as h

    t = stats["totals"]
    months = stats["months"]
    labels = [m["month"] for m in months]
    body = [
        h.cards(
            [
                ("reviews", t["reviews"]),
                ("blocked", t["blocked"]),
                ("block rate", h.pct(t["block_rate"])),
                (
                    "median hours to answer",
                    "n/a" if t["median_hours_to_answer"] is None else t["median_hours_to_answer"],
                ),
                ("placeholder answers", t["placeholder_answers"]),
                ("dismissals", t["dismissals"]),
            ]
        ),
        "<h2>Reviews and blocks per month</h2>",
        h.columns(labels, [(v, [m[v] for m in months]) for v in ("aligned", "drift", "mismatch")]),
        h.columns(labels, [("blocked", [m["blocked"] for m in months])]),
        "<h2>Median hours to answer, by the month a question was asked</h2>",
        h.line(labels, [m["median_hours_to_answer"] for m in months], unit=" h"),
        "<h2>Dismiss rate per rule</h2>",
        h.hbars(
            [(r["rule"], round((r["dismiss_rate"] or 0) * 100, 1)) for r in stats["rules"][:15]],
            unit="%",
        ),
        h.table(
            ["rule", "findings", "dismissed", "rate", "common reasons"],
            [
                [
                    r["rule"],
                    str(r["findings"]),
                    str(r["dismissed"]),
                    h.pct(r["dismiss_rate"]),
                    "; ".join(r["reasons"]),
                ]
                for r in stats["rules"]
            ],
        ),
        "<h2>AI-assisted and other changes by blast radius</h2>",
        h.table(
            ["blast radius", "AI-assisted", "AI blocked", "other", "other blocked"],
            [
                [
                    level,
                    str(c["ai"]),
                    str(c["ai_blocked"]),
                    str(c["other"]),
                    str(c["other_blocked"]),
                ]
                for level, c in stats["ai_by_blast_radius"].items()
            ],
        ),
        "<h2>Questions answered with placeholders</h2>",
        h.hbars([(c["text"], c["count"]) for c in stats["placeholders"]["common"]]),
        h.table(
            ["rule of the question", "placeholder answers"],
            [[c["rule"], str(c["count"])] for c in stats["placeholders"]["by_rule"]],
        ),
    ]
    return h.page(title, "".join(body))
