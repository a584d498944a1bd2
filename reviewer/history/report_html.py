"""Self-contained HTML pages for backtests and review history: inline CSS and SVG charts, no
scripts, no fonts, nothing fetched. Every piece of repository text is escaped (commit messages,
paths and rule names are untrusted)."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

COLORS = {
    "aligned": "#3b8c4a",
    "drift": "#d9a400",
    "mismatch": "#c2412d",
    "blocked": "#6b2c91",
    "low": "#7fb77e",
    "medium": "#e0b84c",
    "high": "#e07b39",
    "critical": "#b8312f",
    "bar": "#4a78b5",
    "other": "#8a8f98",
    "ai": "#6b2c91",
}

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;
color:#1d2430;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #dde;
padding-bottom:.2rem}h3{font-size:1rem}
.meta{color:#5a6270}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:.8rem}
.card{border:1px solid #dde;border-radius:6px;padding:.6rem .8rem}.card b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border-bottom:1px solid #e5e7eb;
padding:.3rem .4rem;text-align:left;vertical-align:top}th{background:#f5f6f8}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em}
.side{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1.5rem}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;
height:.8rem;margin-right:.3rem;vertical-align:middle}svg text{font:11px system-ui,sans-serif;fill:#1d2430}
"""


def esc(value: object) -> str:
    """Text as HTML (quotes included): the only way repository text enters a page."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL, escaped for an attribute; anything else (``javascript:``...) is dropped."""
    if not url or not url.lower().startswith(("https://", "http://")):
        return None
    return esc(url)


def page(title: str, body: str, *, subtitle: str = "") -> str:
    sub = f'<p class="meta">{esc(subtitle)}</p>' if subtitle else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        # nothing on the page may load or run anything: no scripts, no remote resources
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{esc(title)}</h1>{sub}{body}</body></html>\n"
    )


def cards(items: Sequence[tuple[str, object]]) -> str:
    inner = "".join(f'<div class="card"><b>{esc(v)}</b>{esc(k)}</div>' for k, v in items)
    return f'<div class="grid">{inner}</div>'


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, raw: bool = False) -> str:
    """A table; cells are escaped unless ``raw`` (then the caller built them from :func:`esc`)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{c if raw else esc(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def legend(names: Sequence[str]) -> str:
    inner = "".join(
        f'<span><i style="background:{COLORS.get(n, COLORS["other"])}"></i>{esc(n)}</span>'
        for n in names
    )
    return f'<p class="legend">{inner}</p>'


def hbars(items: Sequence[tuple[str, float]], *, color: str = COLORS["bar"], unit: str = "") -> str:
    """A horizontal bar chart of labelled values."""
    if not items:
        return '<p class="meta">nothing to show</p>'
    top = max((v for _, v in items), default=0) or 1
    row, label_w, bar_w = 22, 260, 380
    height = row * len(items) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 80}" height="{height}" '
        f'role="img">'
    ]
    for i, (label, value) in enumerate(items):
        y = i * row + 3
        w = max(1.0, bar_w * value / top) if value else 0
        shown = label if len(label) <= 42 else label[:41] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{esc(shown)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row - 6}" fill="{esc(color)}">'
            f"<title>{esc(label)}: {esc(_num(value))}{esc(unit)}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{esc(_num(value))}{esc(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def columns(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> str:
    """Stacked columns, one per label (a month), one colour per series; with a legend."""
    if not labels:
        return '<p class="meta">nothing to show</p>'
    totals = [sum(s[1][i] for s in series) for i in range(len(labels))]
    top = max(totals) or 1
    col = max(6, min(40, 900 // len(labels)))
    chart_h, pad_l, pad_b = 180, 36, 46
    width = pad_l + col * len(labels) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{chart_h + pad_b}" '
        f'role="img">',
        f'<text x="0" y="12">{esc(_num(top))}</text><text x="0" y="{chart_h}">0</text>',
        f'<line x1="{pad_l - 2}" y1="{chart_h}" x2="{width}" y2="{chart_h}" stroke="#999"/>',
    ]
    every = max(1, len(labels) // 12)
    for i, label in enumerate(labels):
        x = pad_l + i * col
        y = float(chart_h)
        for name, values in series:
            v = values[i]
            if not v:
                continue
            h = chart_h * v / top
            y -= h
            parts.append(
                f'<rect x="{x + 1}" y="{y:.1f}" width="{col - 2}" height="{h:.1f}" '
                f'fill="{COLORS.get(name, COLORS["other"])}"><title>{esc(label)} {esc(name)}: '
                f"{esc(_num(v))}</title></rect>"
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + col / 2:.1f}" y="{chart_h + 14}" text-anchor="end" '
                f'transform="rotate(-45 {x + col / 2:.1f} {chart_h + 14})">{esc(label)}</text>'
            )
    parts.append("</svg>")
    return legend([name for name, _ in series]) + "".join(parts)


def line(labels: Sequence[str], values: Sequence[float | None], *, unit: str = "") -> str:
    """One value per label as points joined by a line (gaps where a value is missing)."""
    known = [v for v in values if v is not None]
    if not known:
        return '<p class="meta">nothing to show</p>'
    top = max(known) or 1
    step = max(8, min(60, 900 // max(1, len(labels))))
    chart_h, pad_l = 160, 44
    width = pad_l + step * len(labels) + 10
    pts = []
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{chart_h + 46}" role="img">',
        f'<text x="0" y="12">{esc(_num(top))}{esc(unit)}</text><text x="0" y="{chart_h}">0</text>',
    ]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        x = pad_l + i * step + step / 2
        parts.append(
            f'<text x="{x:.1f}" y="{chart_h + 14}" text-anchor="end" '
            f'transform="rotate(-45 {x:.1f} {chart_h + 14})">{esc(label)}</text>'
        )
        if v is None:
            continue
        y = chart_h - chart_h * v / top
        pts.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLORS["bar"]}"><title>{esc(label)}: '
            f"{esc(_num(v))}{esc(unit)}</title></circle>"
        )
    parts.insert(2, f'<polyline points="{" ".join(pts)}" fill="none" stroke="{COLORS["bar"]}"/>')
    parts.append("</svg>")
    return "".join(parts)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f}%"


# --- the backtest page ------------------------------------------------------------------------


def backtest_page(report: Mapping[str, Any]) -> str:
    policies = report["policies"]
    speed = report["speed"]
    body = [
        cards(
            [
                ("changes", report["range"]["changes"]),
                (
                    "changes / second"
                    if speed["reviews"] == speed["changes"]
                    else "reviews / second",
                    speed["changes_per_second"],
                ),
                *[(f"block rate: {p['name']}", pct(p["totals"]["block_rate"])) for p in policies],
            ]
        )
    ]
    if len(policies) > 1:
        body.append("<h2>Policies side by side</h2>")
        body.append(_comparison(policies))
    sections = [_policy_section(p, report.get("link")) for p in policies]
    body.append(
        f'<div class="{"side" if len(policies) > 1 else ""}">' + "".join(sections) + "</div>"
    )
    subtitle = (
        f"{report['repository']} at {str(report['tip'])[:12]} · {report['range']['changes']} "
        f"merged changes · {speed['reviews']} reviews in {speed['seconds']} s with "
        f"{speed['jobs']} process(es) · generated {report['generated_at']}"
    )
    return page("What the intent gate would have done", "".join(body), subtitle=subtitle)


def _comparison(policies: Sequence[Mapping[str, Any]]) -> str:
    keys: list[tuple[str, Callable[[Mapping[str, Any]], object]]] = [
        ("blocked", lambda p: p["totals"]["blocked"]),
        ("block rate", lambda p: pct(p["totals"]["block_rate"])),
        ("mismatch", lambda p: p["totals"]["verdicts"]["mismatch"]),
        ("drift", lambda p: p["totals"]["verdicts"]["drift"]),
        ("aligned", lambda p: p["totals"]["verdicts"]["aligned"]),
        ("blocked, never reverted or hot-fixed", lambda p: p["noise"]["never_followed_up"]),
        ("noise estimate", lambda p: pct(p["noise"]["noise_rate"])),
        ("errors", lambda p: p["totals"]["errors"]),
    ]
    rows = [[k, *[str(f(p)) for p in policies]] for k, f in keys]
    out = table(["", *[p["name"] for p in policies]], rows)
    a, b = policies[0]["changes"], policies[1]["changes"]
    differ = [(x, y) for x, y in zip(a, b, strict=False) if x["blocked"] != y["blocked"]]
    if differ:
        out += f"<h3>{len(differ)} change(s) the two policies decide differently</h3>"
        out += table(
            ["change", policies[0]["name"], policies[1]["name"]],
            [
                [
                    esc(x["subject"]),
                    "blocked" if x["blocked"] else "passes",
                    "blocked" if y["blocked"] else "passes",
                ]
                for x, y in differ[:50]
            ],
            raw=True,
        )
    return out


def _policy_section(p: Mapping[str, Any], link: str | None) -> str:
    t = p["totals"]
    months = p["months"]
    labels = [m["month"] for m in months]
    out = [f"<section><h2>{esc(p['name'])}</h2>"]
    out.append(
        cards(
            [
                ("reviewed", t["reviewed"]),
                ("blocked", t["blocked"]),
                ("block rate", pct(t["block_rate"])),
                ("noise estimate", pct(p["noise"]["noise_rate"])),
            ]
        )
    )
    out.append(
        f'<p class="meta">Noise: {esc(p["noise"]["never_followed_up"])} of {esc(t["blocked"])} '
        "blocked changes were never reverted or hot-fixed afterwards (an estimate from commit "
        "messages and paths).</p>"
    )
    out.append("<h3>Verdicts per month</h3>")
    out.append(
        columns(labels, [(v, [m[v] for m in months]) for v in ("aligned", "drift", "mismatch")])
    )
    out.append("<h3>Blocks per month</h3>")
    out.append(columns(labels, [("blocked", [m["blocked"] for m in months])]))
    out.append("<h3>Blast radius mix</h3>")
    out.append(hbars(list(t["blast_radius"].items())))
    out.append("<h3>Rules that fire most (changes)</h3>")
    out.append(hbars([(r["rule"], r["changes"]) for r in p["rules"][:12]]))
    out.append("<h3>Most blocked areas</h3>")
    out.append(hbars([(a["area"], a["blocked"]) for a in p["areas"][:10]], color=COLORS["blocked"]))
    out.append("<h3>The ten riskiest changes</h3>")
    rows = []
    for r in p["riskiest"]:
        href = safe_url(link.replace("{sha}", r["sha"])) if link else None
        sha = esc(r["sha"][:10])
        ref = f'<a href="{href}"><code>{sha}</code></a>' if href else f"<code>{sha}</code>"
        qs = "".join(f"<li>{esc(q)}</li>" for q in r["questions"])
        follow = r["followed_up"]
        rows.append(
            [
                ref,
                esc(r["month"]),
                esc(r["subject"]),
                esc(
                    f"{r['verdict']} · {r['blast_radius']}" + (" · blocked" if r["blocked"] else "")
                ),
                esc(", ".join(r["rules"])),
                esc(f"{follow['how']} by {follow['by'][:10]}" if follow else "no"),
                f"<ul>{qs}</ul>" if qs else "",
            ]
        )
    out.append(
        table(
            ["change", "month", "subject", "verdict", "rules", "followed up", "questions"],
            rows,
            raw=True,
        )
    )
    out.append("</section>")
    return "".join(out)
