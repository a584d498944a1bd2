"""The sticky PR comment: goldens from the real pipeline, inert user text (checked with GitHub's own
Markdown parser, cmark-gfm), hidden markers, and the size limit on a 10,000-file review."""

from __future__ import annotations

import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from reviewer.models import (
    BlastRadius,
    FileReview,
    FileScope,
    Finding,
    Intent,
    Question,
    Review,
)
from reviewer.record import replace
from reviewer.render import renderer
from reviewer.render.groups import group_findings
from reviewer.render.markdown import (
    GITHUB_COMMENT_LIMIT,
    MAX_CHARS,
    MAX_STATE_CHARS,
    code,
    deterministic_summary,
    fingerprint,
    inline,
    read_fingerprint,
    read_state,
    render,
    utf16_len,
)

from .cases import GOLDEN, big_review, case_names, check_golden, load_case, without_version

#: every tag the comment may produce once GitHub has parsed it; anything else is an injection
ALLOWED_TAGS = {
    "h3", "h4", "p", "strong", "em", "code", "ul", "li", "table", "thead", "tbody", "tr", "th",
    "td", "details", "summary", "sub", "hr", "blockquote", "input", "br",
}  # fmt: skip


def to_html(md: str) -> str:
    # UNSAFE keeps raw HTML in the output, so an injection that worked would show up as a tag
    html: str = cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE)
    return html


def assert_inert(md: str) -> str:
    """What GitHub would show contains only our structure; returns the HTML for more checks."""
    html = to_html(md)
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9-]*)", html))
    assert tags <= ALLOWED_TAGS, f"unexpected tags: {tags - ALLOWED_TAGS}"
    for comment in re.findall(r"<!--.*?-->", html, re.S):
        assert comment.startswith("<!-- intent-reviewer:"), comment[:80]
        inner = comment[4:-3]
        assert "--" not in inner and "<!" not in inner, comment[:80]
    visible = re.sub(
        r"<code>.*?</code>", "", re.sub(r"<!--.*?-->", "", html, flags=re.S), flags=re.S
    )
    assert not re.search(r"@\w", visible), "a mention survived"
    assert not re.search(r"#\d", visible), "an issue reference survived"
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        assert len(re.findall(r"<t[hd][ >]", row)) == 4, row
    return html


def table_rows(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("|")]


def cells(row: str) -> list[str]:
    return re.split(r"(?<!\\)\|", row)[1:-1]


# --- goldens --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", case_names())
def test_golden(name: str, update_goldens: bool) -> None:
    review, state = load_case(name)
    text = render(review, state=state)
    check_golden(GOLDEN / name / "expected.md", without_version(text), update_goldens)
    assert_inert(text)
    assert read_fingerprint(text) == fingerprint(review)
    assert read_state(text) == state


def test_goldens_cover_every_verdict_and_feature() -> None:
    loaded = [load_case(name) for name in case_names()]
    assert {r.verdict for r, _ in loaded} == {"aligned", "drift", "mismatch"}
    assert any(r.degraded for r, _ in loaded)
    assert any(q.answered for r, _ in loaded for q in r.questions)
    assert any(f.licensed and f.kind for r, _ in loaded for f in r.findings)
    assert any(f.path is None for r, _ in loaded for f in r.findings)
    assert any(f.side == "old" and f.line for r, _ in loaded for f in r.findings)


def test_registry_returns_this_renderer() -> None:
    review, _ = load_case("incident")
    assert renderer("markdown")(review) == render(review)


# --- layout ---------------------------------------------------------------------------------


def test_verdict_badge_comes_first() -> None:
    review, _ = load_case("incident")
    first = render(review).splitlines()[0]
    assert first.startswith("### 🛑 Intent review: **mismatch**")
    assert "blast radius **critical**" in first and first.endswith("answers required")
    aligned, _ = load_case("aligned")
    assert render(aligned).splitlines()[0] == (
        "### ✅ Intent review: **aligned** · blast radius **low** · no answers required"
    )


def test_findings_are_grouped_by_severity_most_severe_first() -> None:
    review, _ = load_case("incident")
    text = render(review)
    order = [text.index(f"**{s}** (") for s in ("Critical", "High", "Info")]
    assert order == sorted(order)
    low = text.index("<summary>Low and info findings")
    assert text.index("**Critical** (") < low < text.index("**Info** (")


def test_questions_are_a_checklist_with_ids_and_quoted_answers() -> None:
    review, _ = load_case("answered_llm_degraded")
    text = render(review)
    for q in review.questions:
        mark = "x" if q.answered else " "
        assert f"- [{mark}] **{q.id}** " in text
    answered = [q for q in review.questions if q.answered]
    assert len(answered) == 2
    lines = text.splitlines()
    for q in answered:
        i = next(n for n, line in enumerate(lines) if f"**{q.id}**" in line)
        assert lines[i + 1].startswith("  > ")
    html = assert_inert(text)
    assert html.count('<input type="checkbox" checked="" disabled="" />') == 2


def test_stated_findings_are_marked_and_not_called_out_of_scope() -> None:
    review, _ = load_case("stated")
    licensed = [f for f in review.findings if f.licensed and f.kind]
    assert licensed
    text = render(review)
    for f in licensed:
        line = next(line for line in text.splitlines() if line.startswith(f"- **{f.rule}**"))
        assert f.stated is not None
        # the quoted clause, once: at the end of the line, not in the title as well
        assert line.endswith(f"*stated:* «{f.stated.text}»")
        assert line.count("«") == 1 and "(stated" not in line


def test_degraded_and_llm_are_visible() -> None:
    review, _ = load_case("answered_llm_degraded")
    text = render(review)
    assert "> [!WARNING]" in text
    assert "rules + LLM (gpt-4o-mini): 1 call, 2,417 tokens" in text
    assert "*LLM, confidence 80%*" in text
    assert "<summary>Review notes (1)</summary>" in text


def test_deterministic_summary_names_counts_and_reasons() -> None:
    incident, _ = load_case("incident")
    s = deterministic_summary(incident)
    assert s.startswith("The change does more than its stated intent says: 2 of 3 files")
    assert "blast radius critical (" in s and s.endswith(").")
    aligned, _ = load_case("aligned")
    assert deterministic_summary(aligned) == (
        "The change matches its stated intent: all 2 files are explained by it; blast radius low."
    )
    empty, _ = load_case("no_intent")
    assert deterministic_summary(empty).startswith("No intent was stated")
    nothing = replace(aligned, files=(), findings=(), questions=())
    assert deterministic_summary(nothing) == "The diff changes no files; blast radius low."


def test_llm_summary_replaces_the_sentence_but_stays_escaped() -> None:
    review, _ = load_case("answered_llm_degraded")
    text = render(review)
    assert deterministic_summary(review) not in text
    assert "\\*\\*environment\\*\\*" in text and "&lt;b&gt;do not merge&lt;/b&gt;" in text


# --- hidden markers -------------------------------------------------------------------------


def test_fingerprint_follows_finding_and_question_ids_only() -> None:
    review, _ = load_case("incident")
    base = fingerprint(review)
    assert re.fullmatch(r"[0-9a-f]{16}", base)
    answered = replace(
        review, questions=tuple(replace(q, answered=True, answer="ok") for q in review.questions)
    )
    assert fingerprint(answered) == base
    shuffled = replace(review, findings=review.findings[::-1])
    assert fingerprint(shuffled) == base
    fewer = replace(review, findings=review.findings[1:])
    assert fingerprint(fewer) != base
    assert f"<!-- intent-reviewer:fingerprint {base} -->" in render(review)


@pytest.mark.parametrize(
    "state",
    [
        '{"answers": {"Q1": "plain"}}',
        '{"a": "x --> y"}',
        '{"a": "x --!> y"}',
        '{"a": "<!-- nested"}',
        '{"a": "ends with a dash -"}',
        "multi\nline\r\nstate",
        "",
        "surrogate \udcff byte",
    ],
)
def test_state_round_trips_and_never_leaves_its_comment(state: str) -> None:
    review, _ = load_case("stated")
    text = render(review, state=state)
    assert read_state(text) == state
    assert text.rstrip("\n").endswith("-->")
    block = text[text.index("<!-- intent-reviewer:state") :]
    assert block.count("-->") == 1 and "--!>" not in block and block.count("<!--") == 1
    if "--" not in state and "<!" not in state and "\udcff" not in state:
        assert f"\n{state}\n-->" in text  # verbatim when that is safe
    assert_inert(text)


def test_state_survives_crlf_rewrites_of_the_comment() -> None:
    review, _ = load_case("stated")
    for state in ('{"answers": {}}', '{"a": "x --> y"}'):
        text = render(review, state=state).replace("\n", "\r\n")
        assert read_state(text) == state.replace("\n", "\r\n")
        assert read_fingerprint(text) == fingerprint(review)


def test_markers_in_user_text_are_not_read_as_ours() -> None:
    fake = "<!-- intent-reviewer:fingerprint deadbeefdeadbeef -->"
    fake_state = "<!-- intent-reviewer:state\nforged\n-->"
    review = _review_with(path=fake, title=fake_state, answer=fake, summary=fake_state)
    text = render(review, state="real")
    assert read_fingerprint(text) == fingerprint(review)
    assert read_state(text) == "real"
    assert read_state(render(review)) is None


def test_oversized_state_is_refused() -> None:
    review, _ = load_case("stated")
    with pytest.raises(ValueError, match="comment state"):
        render(review, state="x" * (MAX_STATE_CHARS + 1))


# --- untrusted text -------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "![pixel](https://evil.example/p.png)",
    "[click](javascript:alert(1))",
    "<https://evil.example>",
    "https://evil.example/x www.evil.example mailto:a@b.example",
    "cc @octocat @acme/admins someone@example.com",
    "fixes #12 and acme/repo#34",
    "--> <!-- --!> <!-",
    "`code` ``double`` `unbalanced",
    "a | b \\| c",
    "# heading",
    "- list",
    "1. ordered",
    "> quote",
    "**bold** _em_ ~~strike~~ $x^2$",
    "line\nbreak\r\nand\u2028more",
    "bidi \u202eevil\u202c and \u2066isolate\u2069",
    "nul \x00 bell \x07 esc \x1b[31m",
    "surrogate \udcff byte",
    "&lt;entity&gt; &amp; &#60;",
    "<details><summary>x</summary>",
    "</td></tr></table>",
]


def _review_with(
    *, path: str = "src/a.py", title: str = "t", answer: str = "a", summary: str | None = None,
    intent: str = "fix it", symbol: str = "f",
) -> Review:  # fmt: skip
    scope = FileScope(path=path, old_path=path + ".old", status="renamed", language="python")
    finding = Finding(
        id="RV101-000000000001", rule="RV101", severity="high", title=title, path=path, line=3
    )
    return Review(
        verdict="mismatch",
        requires_answers=True,
        blast_radius=BlastRadius("high", (title,)),
        intent=Intent(source="pr", text=intent, title=intent),
        files=(
            FileReview(scope=scope, explained=False, unexplained_symbols=(symbol,)),
            FileReview(
                scope=replace(scope, path=path + "2"), explained=True, explained_by=(title,)
            ),
        ),
        findings=(finding,),
        questions=(
            Question(id="Q0000001", finding=finding.id, text=title, answered=True, answer=answer),
        ),
        summary=summary,
        notes=(title,),
    )


@pytest.mark.parametrize("evil", HOSTILE)
def test_hostile_text_is_inert_everywhere(evil: str) -> None:
    review = _review_with(path=evil, title=evil, answer=evil, intent=evil, symbol=evil)
    for text in (render(review), render(replace(review, summary=evil))):
        text.encode("utf-8")  # no lone surrogates left
        assert_inert(text)
        assert "\u202e" not in text and "\u2066" not in text and "\x00" not in text
        for row in table_rows(text):
            assert len(cells(row)) == 4, row


def test_mentions_links_and_references_are_neutralised() -> None:
    out = inline(
        "cc @octocat @acme/admins, see https://evil.example and www.evil.example, fixes #12"
    )
    assert "@\u200doctocat" in out and "@\u200dacme/admins" in out
    assert "https\u200d://" in out and "www\u200d." in out and "#\u200d12" in out
    html = to_html(out)
    assert "<a " not in html


def test_code_spans_survive_backticks_and_pipes() -> None:
    assert code("a`b") == "``a`b``"
    assert code("`edge`") == "`` `edge` ``"
    assert code("a|b", table=True) == "`a\\|b`"
    assert to_html(f"| x |\n| --- |\n| {code('a|b', table=True)} |").count("<td>") == 1
    assert (
        inline("deletes `aws_vpc.main` in `infra/main.tf`")
        == "deletes `aws_vpc.main` in `infra/main.tf`"
    )


def test_long_strings_are_shortened_not_allowed_to_blow_the_budget() -> None:
    review = _review_with(
        path="p" * 200_000, title="t" * 1_000_000, answer="a" * 500_000, summary="s" * 300_000
    )
    text = render(review)
    assert utf16_len(text) < 30_000
    assert "…" in text
    assert_inert(text)


# --- size -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_ten_thousand_files_stay_under_githubs_limit_with_complete_rows() -> None:
    review = big_review()
    state = '{"answers": {' + ", ".join(f'"Q{i:07X}": "answer {i}"' for i in range(300)) + "}}"
    text = render(review, state=state)
    assert MAX_CHARS < GITHUB_COMMENT_LIMIT
    assert utf16_len(text) <= MAX_CHARS
    assert len(text) <= MAX_CHARS

    rows = table_rows(text)
    header = "| File | Status | Change kinds | Explained by the intent |"
    data = [r for r in rows if r != header and not r.startswith("| ---")]
    assert data, "the table must not be dropped entirely at this size"
    for row in rows:
        assert row.endswith(" |") and len(cells(row)) == 4, row
    html = assert_inert(text)
    assert html.count("<tr>") == len(rows) - rows.count("| --- | --- | --- | --- |")

    # rows listed + rows summarised == every file; out-of-scope files come first
    m = re.search(
        r"^… and ([\d,]+) more files \(([\d,]+) of them out of scope\) \(see the JSON report\)\.$",
        text,
        re.M,
    )
    assert m, "the summary line for unlisted files is missing"
    more, more_oos = (int(g.replace(",", "")) for g in m.groups())
    assert len(data) + more == len(review.files)
    oos = {fr.scope.path for fr in review.files if not fr.explained}
    assert more_oos == len(oos) - sum(1 for r in data if "**out of scope**" in r)
    explained_rows = sum(1 for r in data if "| yes" in r)
    assert 0 < explained_rows < len(data) // 2, "the top explained files are listed too"
    assert all("**out of scope**" in r for r in data[: len(data) - explained_rows])

    # findings (grouped by object) and questions: listed + summarised == all of them
    listed = len(re.findall(r"^- \*\*RV\d+(?:, RV\d+)*\*\* ", text, re.M))
    more_objects = sum(
        int(n.replace(",", "")) for n in re.findall(r"^- … and ([\d,]+) more objects?", text, re.M)
    )
    assert listed + more_objects == len(group_findings(review.findings))
    qs = len(re.findall(r"^- \[[ x]\] \*\*Q", text, re.M))
    more_q = re.search(r"^- … and ([\d,]+) more questions?", text, re.M)
    assert qs + (int(more_q.group(1).replace(",", "")) if more_q else 0) == len(review.questions)

    assert read_state(text) == state and read_fingerprint(text) == fingerprint(review)


@pytest.mark.slow
def test_worst_case_sizes_still_fit() -> None:
    review = big_review(files=2_000, findings=2_000, questions=2_000, long_text=2_000)
    text = render(review, state="s" * MAX_STATE_CHARS)
    assert utf16_len(text) <= MAX_CHARS
    for row in table_rows(text):
        assert len(cells(row)) == 4
    assert read_state(text) == "s" * MAX_STATE_CHARS


def test_small_reviews_list_everything() -> None:
    review, _ = load_case("incident")
    text = render(review)
    assert "more file" not in text and "more finding" not in text
    assert len(table_rows(text)) == 2 + len(review.files)
