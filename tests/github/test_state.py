"""The sealed review state: round trip, tamper detection, scope binding, downgrade refusal, size."""

from __future__ import annotations

from reviewer.diff import parse_diff
from reviewer.github.state import Answer, SignOff, State, dump, load, seal_key
from reviewer.intent import parse_intent
from reviewer.render.markdown import render
from reviewer.review import review

STATE = State(
    head="a" * 40,
    base="b" * 40,
    questions=("Q1234567", "Q7654321"),
    answers=(
        Answer(
            "Q1234567", "We restore from the nightly snapshot -- tested <today>.", "bob", "t", 11
        ),
    ),
    signoffs=(SignOff("alice", "t", "a" * 40, comment=12),),
)


def body(state_text: str) -> str:
    empty = review(parse_diff(""), parse_intent("docs: nothing", source="pr"))
    return render(empty, state=state_text)


def test_round_trip_through_the_rendered_comment() -> None:
    for key in (None, seal_key("s3cret")):
        text = body(dump(STATE, key=key, scope="o/r#1"))
        got, problem = load(text, key=key, scope="o/r#1")
        assert problem is None and got == STATE


def test_any_edit_of_the_state_is_detected() -> None:
    text = body(dump(STATE, key=None, scope="o/r#1"))
    from reviewer.render.markdown import read_state

    raw = read_state(text)
    assert raw is not None
    forged = raw.replace('"by":"bob"', '"by":"eve"')
    assert forged != raw
    got, problem = load(body(forged), key=None, scope="o/r#1")
    assert got is None and problem is not None and "edited" in problem


def test_a_state_is_bound_to_its_pull_request() -> None:
    text = body(dump(STATE, key=None, scope="o/r#1"))
    assert load(text, key=None, scope="o/r#2")[0] is None


def test_a_digest_state_is_refused_when_a_secret_is_configured() -> None:
    text = body(dump(STATE, key=None, scope="o/r#1"))
    got, problem = load(text, key=seal_key("s3cret"), scope="o/r#1")
    assert got is None and "sha256" in (problem or "")
    keyed = body(dump(STATE, key=seal_key("one"), scope="o/r#1"))
    assert load(keyed, key=seal_key("other"), scope="o/r#1")[0] is None


def test_huge_states_shrink_to_fit_the_renderer() -> None:
    answers = tuple(Answer(f"Q{i:07d}", "ü" * 500, "bob", "t", i) for i in range(300))
    text = dump(State(answers=answers), key=None, scope="o/r#1")
    assert len(text) <= 30_000
    got, _ = load(body(text), key=None, scope="o/r#1")
    assert got is not None and got.answers and all(a.text == "" for a in got.answers)


def test_garbage_is_not_a_state() -> None:
    assert load("hello", key=None, scope="o/r#1")[0] is None
    assert (
        load(body("intent-reviewer-state:v1:{not json}:end-state"), key=None, scope="o/r#1")[0]
        is None
    )


def test_thousands_of_questions_fit_as_a_count() -> None:
    """A 3,000-file pull request: the ids are recomputed every run, the state keeps their number."""
    questions = tuple(f"Q{i:07X}" for i in range(3000))
    answers = tuple(
        Answer(q, "checked it in staging", "bob", "t", i) for i, q in enumerate(questions[:200])
    )
    state = State(head="a" * 40, questions=questions, answers=answers, signoffs=STATE.signoffs)
    text = dump(state, key=seal_key("s3cret"), scope="o/r#1")
    assert len(text) <= 30_000
    got, problem = load(body(text), key=seal_key("s3cret"), scope="o/r#1")
    assert problem is None and got is not None
    assert got.question_count == 3000 and got.questions == ()
    assert got.signoffs == STATE.signoffs and got.answers


def test_heads_and_runs_round_trip() -> None:
    from reviewer.github.state import Head, remember_head, remember_run

    heads = remember_head((), "a" * 40, 7)
    assert remember_head(heads, "a" * 40, 99) == heads, "a head keeps its first watermark"
    state = State(
        head="a" * 40, heads=remember_head(heads, "c" * 40, 12), runs=remember_run((), "42")
    )
    got, _ = load(body(dump(state, key=None, scope="o/r#1")), key=None, scope="o/r#1")
    assert got is not None and got.heads == (Head("a" * 40, 7), Head("c" * 40, 12))
    assert got.watermark("c" * 40) == 12 and got.watermark("d" * 40) is None and got.runs == ("42",)
