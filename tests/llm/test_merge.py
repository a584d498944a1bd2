"""The merge is monotone: whatever the model answers, nothing deterministic is lowered or lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.llm.answer import Answer, AskedQuestion, Judgement, NewFinding
from reviewer.llm.merge import LLM_RULE, merge, two_sentences
from reviewer.models import (
    LEVELS,
    SEVERITIES,
    VERDICTS,
    BlastRadius,
    Finding,
    Question,
    Review,
    level_rank,
    severity_rank,
)
from reviewer.record import replace

from . import samples

RULES = ("RV101", "RV102", "RV201", "RV207", "RV301", "RV401", "RV502", LLM_RULE)
PATHS = ("a.py", "infra/main.tf", "docs/x.md", None)

findings_st = st.lists(
    st.builds(
        lambda i, rule, sev, path, licensed: Finding(
            id=f"{rule}-{i:012d}",
            rule=rule,
            severity=sev,
            title=f"finding {i}",
            path=path,
            licensed=licensed,
        ),
        st.integers(0, 10**6),
        st.sampled_from(RULES),
        st.sampled_from(SEVERITIES),
        st.sampled_from(PATHS),
        st.booleans(),
    ),
    max_size=8,
    unique_by=lambda f: f.id,
)


BASE = samples.review()


@st.composite
def reviews(draw: st.DrawFn) -> Review:
    base = BASE
    fs = tuple(draw(findings_st))
    qs = tuple(
        Question(f"Q{i:07d}", f.id, f"why {i}?") for i, f in enumerate(fs) if draw(st.booleans())
    )
    return replace(
        base,
        verdict=draw(st.sampled_from(VERDICTS)),
        requires_answers=draw(st.booleans()),
        blast_radius=BlastRadius(draw(st.sampled_from(LEVELS)), ("reason",)),
        findings=fs,
        questions=qs,
    )


text_st = st.text(max_size=60)
handle_st = st.one_of(st.from_regex(r"[FN][0-9]{1,2}", fullmatch=True), text_st)
answers_st = st.builds(
    Answer,
    judgements=st.lists(st.builds(Judgement, handle_st, st.booleans(), text_st), max_size=10).map(
        tuple
    ),
    findings=st.lists(
        st.builds(
            NewFinding,
            text_st,
            st.sampled_from((*SEVERITIES, "bogus")),
            st.sampled_from((*PATHS, "not/changed.py")),
            st.one_of(st.none(), st.integers(-5, 10**12)),
            st.floats(allow_nan=True, allow_infinity=True),
        ),
        max_size=10,
    ).map(tuple),
    questions=st.lists(st.builds(AskedQuestion, handle_st, text_st), max_size=10).map(tuple),
    summary=text_st,
)


def _handles(review: Review) -> dict[str, str]:
    return {f"F{i}": f.id for i, f in enumerate(review.findings, 1)}


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(reviews(), st.lists(answers_st, min_size=1, max_size=3))
def test_merge_never_lowers_anything(review: Review, answers: list[Answer]) -> None:
    out = merge(review, answers, _handles(review), ["a.py", "infra/main.tf", "docs/x.md"]).review
    assert VERDICTS.index(out.verdict) >= VERDICTS.index(review.verdict)
    assert level_rank(out.blast_radius.level) >= level_rank(review.blast_radius.level)
    assert (
        out.blast_radius.reasons[: len(review.blast_radius.reasons)] == review.blast_radius.reasons
    )
    assert out.requires_answers >= review.requires_answers
    before = {f.id: f for f in review.findings}
    after = {f.id: f for f in out.findings}
    assert set(before) <= set(after)
    for fid, f in before.items():
        g = after[fid]
        assert (g.severity, g.licensed, g.rule, g.source, g.path) == (
            f.severity,
            f.licensed,
            f.rule,
            f.source,
            f.path,
        )
        assert g.title.startswith(f.title)
    assert [q for q in out.questions[: len(review.questions)]] == list(review.questions)
    for f in out.findings:
        if f.id not in before:
            assert f.source == "llm" and f.rule == LLM_RULE
            assert f.confidence is not None and 0.0 <= f.confidence <= 1.0
            assert severity_rank(f.severity) <= severity_rank("high")
    assert out.degraded == review.degraded and out.files == review.files


def test_only_low_drift_is_resolved_and_it_stays() -> None:
    review = samples.review()
    handles = _handles(review)
    everything = Answer(judgements=tuple(Judgement(h, True, "the author says so") for h in handles))
    merged = merge(review, [everything], handles, ["docs/notes.md", "infra/main.tf"])
    out = merged.review
    assert [r["finding"] for r in merged.resolved] == [
        "RV101-cccccccccccc"
    ]  # the low doc drift only
    doc = next(f for f in out.findings if f.id == "RV101-cccccccccccc")
    assert (
        doc.severity == "low"
        and "plausibly implied" in doc.title
        and "the author says so" in doc.title
    )
    assert len(merged.refused) == 3  # the critical deletion, the high RV101 and the RV502 note
    assert out.verdict == "mismatch" and out.blast_radius == review.blast_radius


def test_a_dissenting_chunk_keeps_drift_unresolved() -> None:
    review = samples.review()
    handles = _handles(review)
    yes = Answer(judgements=(Judgement("F3", True, "docs follow the fix"),))
    no = Answer(judgements=(Judgement("F3", False, "unrelated"),))
    assert merge(review, [yes, no], handles, []).resolved == ()


def test_confident_llm_finding_raises_the_verdict_and_unsure_one_does_not() -> None:
    review = replace(
        samples.review(), verdict="aligned", requires_answers=False, findings=(), questions=()
    )
    sure = NewFinding("Deletes the cache on every deploy", "medium", "infra/main.tf", 3, 0.9)
    unsure = NewFinding("Might leak memory", "high", "a.py", None, 0.3)
    out = merge(review, [Answer(findings=(unsure,))], {}, ["infra/main.tf"]).review
    assert out.verdict == "aligned" and out.findings[0].path is None  # a.py is not a changed file
    out = merge(
        review,
        [Answer(findings=(sure,), questions=(AskedQuestion("N1", "What rebuilds the cache?"),))],
        {},
        ["infra/main.tf"],
    ).review
    assert out.verdict == "mismatch" and out.requires_answers
    assert out.findings[0].source == "llm" and out.findings[0].line == 3
    assert out.questions[-1].finding == out.findings[0].id


def test_questions_must_name_a_finding_and_are_deduplicated() -> None:
    review = samples.review()
    asked = (
        AskedQuestion("F1", "Where is the snapshot of billing-prod taken?"),
        AskedQuestion("F1", "where is the snapshot of billing-prod taken?"),
        AskedQuestion("F99", "Orphan?"),
    )
    merged = merge(review, [Answer(questions=asked)], _handles(review), [])
    new = merged.review.questions[len(review.questions) :]
    assert [q.finding for q in new] == ["RV201-aaaaaaaaaaaa"]
    assert any("F99" in r for r in merged.refused)


def test_summary_is_two_sentences_on_one_line() -> None:
    assert two_sentences("First one.\nSecond one!  Third one.") == "First one. Second one!"
    assert "\u202e" not in two_sentences("Looks fine.\u202e evil")
