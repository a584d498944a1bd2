"""Planning: complete coverage, exact counts within the budget, risky hunks first, chunks when needed."""

from __future__ import annotations

import pytest

from reviewer.config import Config, LLMSettings
from reviewer.diff import parse_diff
from reviewer.errors import LLMError
from reviewer.intent import parse_intent
from reviewer.llm.plan import Plan, build_plan
from reviewer.llm.prompt import load_templates
from reviewer.llm.tokens import count_messages, count_schema, counter_for
from reviewer.models import Review
from reviewer.review import review as run_review

from . import samples


def _tf_delete(i: int) -> str:
    return f"""\
diff --git a/infra/mod{i}/main.tf b/infra/mod{i}/main.tf
index 1111111..2222222 100644
--- a/infra/mod{i}/main.tf
+++ b/infra/mod{i}/main.tf
@@ -1,8 +1,3 @@
-resource "aws_db_instance" "db{i}" {{
-  identifier          = "db-{i}"
-  engine              = "postgres"
-  deletion_protection = true
-}}
-
 resource "aws_sqs_queue" "q{i}" {{
   name = "q-{i}"
 }}
"""


def _py_change(i: int, lines: int = 30) -> str:
    body = "".join(f"+    value_{n} = compute_{n}(items, rate={n})\n" for n in range(lines))
    return f"""\
diff --git a/src/pkg{i}/core.py b/src/pkg{i}/core.py
index 3333333..4444444 100644
--- a/src/pkg{i}/core.py
+++ b/src/pkg{i}/core.py
@@ -1,2 +1,{lines + 2} @@
 def run(items):
{body}     return items
"""


def _doc_change(i: int, lines: int = 40) -> str:
    body = "".join(
        f"+Paragraph {n} explains option number {n} in more words than anyone reads.\n"
        for n in range(lines)
    )
    return f"""\
diff --git a/docs/guide{i}.md b/docs/guide{i}.md
index 5555555..6666666 100644
--- a/docs/guide{i}.md
+++ b/docs/guide{i}.md
@@ -1,1 +1,{lines + 1} @@
 # Guide
{body}"""


def big_change(files: int = 30) -> tuple[Review, str]:
    parts = []
    for i in range(files):
        parts.append((_tf_delete, _py_change, _doc_change)[i % 3](i))
    text = "".join(parts)
    intent = parse_intent("refactor: tidy the compute helpers in src/pkg0", source="pr")
    return run_review(parse_diff(text), intent), text


def _plan(review: Review, diff_text: str, **settings: object) -> Plan:
    llm = LLMSettings(**settings)  # type: ignore[arg-type]
    return build_plan(
        review,
        parse_diff(diff_text),
        llm,
        "gpt-4o-mini",
        load_templates(),
        counter_for("gpt-4o-mini"),
    )


def _exact(plan: Plan) -> list[int]:
    counter = counter_for("gpt-4o-mini")
    schema = count_schema(counter, load_templates().schema)
    return [count_messages(counter, r.messages) + schema for r in plan.requests]


def test_every_file_is_named_and_counts_are_exact_and_within_budget() -> None:
    review, text = big_change(24)
    plan = _plan(review, text, max_input_tokens=3000)
    assert plan.budget == 3000
    assert [r.prompt_tokens for r in plan.requests] == _exact(plan)
    assert all(r.prompt_tokens <= plan.budget for r in plan.requests)
    sent = "\n".join(r.messages[1][1] for r in plan.requests)
    for fd in parse_diff(text).files:
        assert fd.path in sent
    assert sorted(plan.full + plan.part + plan.name) == sorted(plan.paths)


def test_a_change_too_big_for_one_request_is_split_into_chunks() -> None:
    review, text = big_change(30)
    plan = _plan(review, text, max_input_tokens=2000)
    assert 1 < len(plan.requests) <= 8
    # every deleted database is read somewhere, before any documentation
    deletions = {p for p in plan.paths if p.startswith("infra/")}
    assert deletions <= set(plan.full) | set(plan.part)
    assert all(p in plan.name for p in plan.paths if p.startswith("docs/"))
    for r in plan.requests:
        assert "; request " in r.messages[1][1]


def test_risky_hunks_are_never_dropped_for_cosmetic_ones() -> None:
    text = _doc_change(1, lines=80) + _tf_delete(2) + _py_change(3, lines=60)
    review = run_review(parse_diff(text), parse_intent("docs: rewrite the guide", source="pr"))
    plan = _plan(review, text, max_input_tokens=1800)
    assert "infra/mod2/main.tf" in plan.part + plan.full
    assert "docs/guide1.md" in plan.name
    user = plan.requests[0].messages[1][1]
    assert '-resource "aws_db_instance" "db2"' in user


def test_the_sample_reads_the_risky_file_and_names_the_rest() -> None:
    plan = build_plan(
        samples.review(),
        samples.diff(),
        LLMSettings(),
        "gpt-4o-mini",
        load_templates(),
        counter_for("gpt-4o-mini"),
    )
    assert len(plan.requests) == 1
    user = plan.requests[0].messages[1][1]
    assert "docs/notes.md +1-1 docs drift F3" in user  # low drift: the model may judge it
    assert "infra/main.tf +0-8 infra UNEXPLAINED F1 high [resource_deletion]" in user
    assert "  F2 critical: Deletes `aws_db_instance.main`" in user
    assert "resource- aws_s3_bucket.exports" in user  # the other deleted symbol, named once
    assert plan.handles == {
        "F1": "RV101-bbbbbbbbbbbb",
        "F2": "RV201-aaaaaaaaaaaa",
        "F3": "RV101-cccccccccccc",
    }
    assert plan.part == ("infra/main.tf",)  # the deleted block is previewed, not sent whole
    assert '-resource "aws_db_instance" "main" {' in user
    # explained plain code, tests and docs: symbols only, never their hunks
    assert set(plan.name) == {"src/billing/invoice.py", "tests/test_invoice.py", "docs/notes.md"}
    assert "src/billing/invoice.py +1-1 function~ total" in user
    assert "round(subtotal" not in user and "Invoices are rounded" not in user


def _hunks(path: str, count: int) -> str:
    """A modified file with ``count`` separate one-line changes."""
    hunks = "".join(
        f"@@ -{10 * i + 1},1 +{10 * i + 1},1 @@ def step_{i}():\n-    return {i}\n+    return {i} + offset\n"
        for i in range(count)
    )
    return f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n+++ b/{path}\n{hunks}"


def test_risky_files_get_more_than_their_first_block_but_plain_code_none() -> None:
    text = _tf_delete(1) + _hunks("src/pkg2/core.py", 12)
    explained = run_review(parse_diff(text), parse_intent("refactor: tidy src/pkg2", source="pr"))
    plan = _plan(explained, text)
    assert plan.name == ("src/pkg2/core.py",) and "infra/mod1/main.tf" in plan.full + plan.part
    assert "offset" not in plan.requests[0].messages[1][1]

    unexplained = run_review(parse_diff(text), parse_intent("refactor: tidy infra", source="pr"))
    plan = _plan(unexplained, text)
    user = plan.requests[0].messages[1][1]
    # an unexplained file is read to be judged: its first block, then more within an allowance
    assert "src/pkg2/core.py" in plan.part
    assert "+return 0 + offset" in user and "+return 1 + offset" in user
    assert "+return 11 + offset" not in user


def test_binary_and_rename_only_files() -> None:
    text = (
        "diff --git a/logo.png b/logo.png\nindex 1111111..2222222 100644\nBinary files a/logo.png and b/logo.png differ\n"
        "diff --git a/old.py b/new.py\nsimilarity index 100%\nrename from old.py\nrename to new.py\n"
    )
    review = run_review(parse_diff(text), parse_intent("chore: rename", source="pr"))
    plan = _plan(review, text)
    assert plan.name == ("logo.png",) and plan.full == ("new.py",)


def test_a_long_intent_is_cut_to_its_cap() -> None:
    review = samples.review()
    from reviewer.record import replace

    long = replace(review, intent=replace(review.intent, text="word " * 20000))
    plan = build_plan(
        long,
        samples.diff(),
        LLMSettings(),
        "gpt-4o-mini",
        load_templates(),
        counter_for("gpt-4o-mini"),
    )
    assert "[intent truncated]" in plan.requests[0].messages[1][1]
    assert plan.requests[0].prompt_tokens < 3000


def test_unknown_models_get_a_safety_margin_and_a_caveat() -> None:
    counter = counter_for("llama3.1:8b")
    assert counter.caveat and counter.name == "o200k_base"
    plan = build_plan(
        samples.review(), samples.diff(), LLMSettings(), "llama3.1:8b", load_templates(), counter
    )
    assert plan.budget == int((8192 - 1500 - 256) * 0.9)


def test_a_budget_too_small_is_a_clear_error() -> None:
    with pytest.raises(LLMError, match="max_input_tokens"):
        build_plan(
            samples.review(),
            samples.diff(),
            LLMSettings(max_input_tokens=300),
            "gpt-4o-mini",
            load_templates(),
            counter_for("gpt-4o-mini"),
        )


def test_planning_is_deterministic() -> None:
    a = build_plan(
        samples.review(),
        samples.diff(),
        Config().llm,
        "gpt-4o-mini",
        load_templates(),
        counter_for("gpt-4o-mini"),
    )
    b = build_plan(
        samples.review(),
        samples.diff(),
        Config().llm,
        "gpt-4o-mini",
        load_templates(),
        counter_for("gpt-4o-mini"),
    )
    assert a == b
