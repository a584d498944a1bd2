"""The deterministic pipeline: verdict, blast radius, findings and questions from a scope."""

from __future__ import annotations

import pytest

from reviewer.config import Config, CriticalPath, QuestionTemplate
from reviewer.diff import parse_diff
from reviewer.intent import parse_intent
from reviewer.models import Diff, FileScope, Scope, Signal, Symbol
from reviewer.record import replace
from reviewer.review import decide, review


def _case(
    paths_lines: dict[str, tuple[str, str]],
    signals: dict[str, list[Signal]] | None = None,
    symbols: dict[str, list[Symbol]] | None = None,
) -> tuple[Diff, Scope]:
    text = "".join(
        f"diff --git a/{p} b/{p}\n--- a/{p}\n+++ b/{p}\n@@ -1,1 +1,1 @@\n-{a}\n+{b}\n"
        for p, (a, b) in paths_lines.items()
    )
    diff = parse_diff(text)
    from reviewer.paths import role_of

    files = tuple(
        FileScope(
            path=p,
            old_path=None,
            status="modified",
            language="hcl" if p.endswith(".tf") else "python",
            role=role_of(p),
            additions=1,
            deletions=1,
            signals=tuple((signals or {}).get(p, [])),
            symbols=tuple((symbols or {}).get(p, [])),
        )
        for p in paths_lines
    )
    return diff, Scope(files=files)


_DB_GONE = Signal(
    "resource_deletion",
    "tf.resource_deleted",
    "deletes resource `aws_db_instance.main`",
    12,
    "old",
    "aws_db_instance.main",
    "high",
)


def test_incident_shape_is_a_critical_mismatch_with_questions() -> None:
    diff, scope = _case(
        {
            "reports/cost_report.py": ("currency = 'USD'", "currency = report.currency"),
            "environments/prod/db.tf": ('resource "aws_db_instance" "main" {', ""),
        },
        signals={"environments/prod/db.tf": [_DB_GONE]},
    )
    r = review(
        diff,
        parse_intent("Fix a minor Cost Explorer bug: the cost report shows the wrong currency"),
        scope=scope,
    )
    assert r.verdict == "mismatch"
    assert r.blast_radius.level == "critical"
    assert r.requires_answers
    assert r.out_of_scope_paths == ("environments/prod/db.tf",)
    rules = [f.rule for f in r.findings]
    assert "RV201" in rules and "RV101" in rules and "RV502" in rules
    deletion = next(f for f in r.findings if f.rule == "RV201")
    assert deletion.severity == "critical" and deletion.symbol == "aws_db_instance.main"
    asked = [q for q in r.questions if q.finding == deletion.id]
    assert asked and "aws_db_instance.main" in asked[0].text and "snapshot" in asked[0].text
    # two changed lines: the deletion's own question asks how it is restored; no separate
    # "how is it rolled back" (the RV502 finding stays)
    assert not any(q.finding.startswith("RV502") for q in r.questions)


def test_honest_deletion_is_aligned_but_high_and_still_asks() -> None:
    diff, scope = _case(
        {"environments/prod/db.tf": ('resource "aws_db_instance" "main" {', "")},
        signals={"environments/prod/db.tf": [_DB_GONE]},
    )
    r = review(
        diff, parse_intent("Remove the unused prod DB instance `aws_db_instance.main`"), scope=scope
    )
    assert r.verdict == "aligned"
    assert r.blast_radius.level == "high"
    deletion = next(f for f in r.findings if f.rule == "RV201")
    assert deletion.licensed and deletion.severity == "high"
    assert any(q.finding == deletion.id for q in r.questions)
    # stated, so the questions are asked without blocking by default; fail_on "high" blocks it
    from reviewer.gate import decide

    assert not r.requires_answers
    assert not decide(r, "mismatch").blocked and decide(r, "high").blocked


def test_low_risk_unexplained_file_is_drift() -> None:
    diff, scope = _case(
        {"src/app/cart.py": ("a = 1", "a = 2"), "src/app/other_thing.py": ("b = 1", "b = 2")}
    )
    r = review(diff, parse_intent("Fix rounding in the cart total"), scope=scope)
    assert r.verdict == "drift"
    assert r.out_of_scope_paths == ("src/app/other_thing.py",)
    assert not r.requires_answers or r.questions


def test_question_and_finding_ids_are_stable_across_line_shifts() -> None:
    diff, scope = _case(
        {"environments/prod/db.tf": ("x", "")}, signals={"environments/prod/db.tf": [_DB_GONE]}
    )
    shifted = replace(_DB_GONE, line=40)
    diff2, scope2 = _case(
        {"environments/prod/db.tf": ("x", "")}, signals={"environments/prod/db.tf": [shifted]}
    )
    intent = parse_intent("Fix the report")
    a = review(diff, intent, scope=scope)
    b = review(diff2, intent, scope=scope2)
    assert [f.id for f in a.findings] == [f.id for f in b.findings]
    assert [q.id for q in a.questions] == [q.id for q in b.questions]


def test_size_vs_intent() -> None:
    lines = {f"src/mod{i}/file.py": ("a = 1", "a = 2") for i in range(20)}
    diff, scope = _case(lines)
    r = review(diff, parse_intent("One-line typo fix"), scope=scope)
    assert any(f.rule == "RV301" for f in r.findings)
    assert r.verdict == "mismatch"


def test_empty_intent_asks_for_it() -> None:
    diff, scope = _case({"src/a.py": ("a = 1", "a = 2")})
    r = review(diff, parse_intent(""), scope=scope)
    assert any(f.rule == "RV501" for f in r.findings)
    assert any("What is this change supposed to do" in q.text for q in r.questions)
    assert r.verdict == "mismatch"


def test_policy_critical_paths_protected_and_rule_selection() -> None:
    diff, scope = _case(
        {"payments/ledger.py": ("x = 1", "x = 2")},
        symbols={"payments/ledger.py": [Symbol("function", "post_entry", "modified", 1)]},
    )
    cfg = Config(
        critical_paths=(CriticalPath("payments/**", "high", "money"),),
        protected=("post_*",),
        questions=(QuestionTemplate("RV403", "Did finance sign off on {path}?"),),
    )
    r = review(diff, parse_intent("Fix rounding in the ledger posting"), cfg, scope=scope)
    assert r.blast_radius.level == "high"
    assert {"RV402", "RV403"} <= {f.rule for f in r.findings}
    assert any(q.text == "Did finance sign off on `payments/ledger.py`?" for q in r.questions)
    quiet = review(
        diff,
        parse_intent("Fix rounding in the ledger posting"),
        Config(critical_paths=cfg.critical_paths, protected=cfg.protected, disable=("RV4",)),
        scope=scope,
    )
    assert not any(f.rule.startswith("RV4") for f in quiet.findings)


def test_constraints_in_the_intent_are_enforced() -> None:
    diff, scope = _case({"reports/a.py": ("a", "b"), "infra/main.tf": ("c", "d")})
    r = review(diff, parse_intent("Fix the report format. No infra changes."), scope=scope)
    assert any(f.rule == "RV401" and f.path == "infra/main.tf" for f in r.findings)


def test_decide() -> None:
    from reviewer.rules import finding

    assert decide([]) == "aligned"
    assert decide([finding("RV101", "low", "x", path="a")]) == "drift"
    assert decide([finding("RV201", "high", "x", path="a", licensed=True)]) == "aligned"
    assert decide([finding("RV102", "info", "x")]) == "aligned"
    assert decide([finding("RV206", "medium", "x", path="a")]) == "mismatch"


def test_production_paths_raise_the_blast_radius() -> None:
    sig = Signal(
        "global_config", "flag.default", "changes default `timeout`", 3, "new", "timeout", "medium"
    )
    diff, scope = _case(
        {"environments/prod/app.yaml": ("a", "b")}, signals={"environments/prod/app.yaml": [sig]}
    )
    r = review(diff, parse_intent("Raise the timeout default"), scope=scope)
    assert r.blast_radius.level == "high"
    diff2, scope2 = _case(
        {"environments/staging/app.yaml": ("a", "b")},
        signals={"environments/staging/app.yaml": [sig]},
    )
    r2 = review(diff2, parse_intent("Raise the timeout default"), scope=scope2)
    assert r2.blast_radius.level == "medium"


def test_finding_ids_survive_a_reworded_message() -> None:
    reworded = replace(
        _DB_GONE, detail="deletes resource `aws_db_instance.main` (stateful): Terraform destroys it"
    )
    diff, scope = _case(
        {"environments/prod/db.tf": ("x", "")}, signals={"environments/prod/db.tf": [_DB_GONE]}
    )
    diff2, scope2 = _case(
        {"environments/prod/db.tf": ("x", "")}, signals={"environments/prod/db.tf": [reworded]}
    )
    intent = parse_intent("Fix the report")
    a = review(diff, intent, scope=scope)
    b = review(diff2, intent, scope=scope2)
    assert [q.id for q in a.questions] == [q.id for q in b.questions]


def test_a_tool_named_in_passing_is_no_swap_signal() -> None:
    # "Found by IntelliJ" names a tool, not what the change touches: RV102 stays a note
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    diff = parse_diff(
        git_diff(
            "src/Parser.java", "class Parser {\n  int a;\n}\n", "class Parser {\n  int b;\n}\n"
        )
    )
    passing = review(diff, parse_intent("Found by IntelliJ.", title="Fix the lexer"))
    assert {f.severity for f in passing.findings if f.rule == "RV102"} <= {"info"}
    stated = review(diff, parse_intent("", title="Fix the LexerState reset"))
    assert any(f.rule == "RV102" and f.severity == "medium" for f in stated.findings)


def test_a_typo_intent_explains_files_whose_every_hunk_corrects_a_few_words() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    old = "class A {\n  /** Reads Json from the stream. */\n  void read() {}\n}\n"
    new = "class A {\n  /** Reads JSON from the stream. */\n  void read() {}\n}\n"
    diff = parse_diff(git_diff("src/A.java", old, new))
    r = review(diff, parse_intent("", title="Fix typos and grammar issues"))
    assert r.verdict == "aligned", [f.title for f in r.findings]
    # a flag flipped in a typo-sized edit is not a typo fix
    tf = parse_diff(
        git_diff(
            "db.tf",
            'resource "aws_db_instance" "main" {\n  deletion_protection = true\n}\n',
            'resource "aws_db_instance" "main" {\n  deletion_protection = false\n}\n',
        )
    )
    assert review(tf, parse_intent("", title="Fix typos")).verdict == "mismatch"


def test_a_test_of_an_unexplained_module_adds_no_finding_of_its_own() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    module = git_diff(
        "src/billing.py", "def total(x):\n    return x\n", "def total(x):\n    return x * 2\n"
    )
    test = git_diff(
        "tests/test_billing.py",
        None,
        "from src.billing import total\n\n\ndef test_total():\n    assert total(1) == 2\n",
    )
    other = git_diff("tests/test_shipping.py", None, "def test_ship():\n    assert True\n")
    r = review(parse_diff(module + test + other), parse_intent("", title="Fix the login redirect"))
    rv101 = {f.path for f in r.findings if f.rule == "RV101"}
    assert "src/billing.py" in rv101 and "tests/test_billing.py" not in rv101
    assert (
        "tests/test_shipping.py" in rv101
    )  # a test of nothing the change touches speaks for itself
    assert "tests/test_billing.py" in r.out_of_scope_paths  # still out of scope, with its module


def test_a_gitignore_edit_nobody_mentions_is_only_noted() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    diff = parse_diff(git_diff(".gitignore", "dist/\n", "dist/\n.venv/\n"))
    r = review(diff, parse_intent("", title="Fix the login redirect"))
    (f,) = [f for f in r.findings if f.rule == "RV101"]
    assert f.severity == "info" and r.verdict == "aligned"
    assert ".gitignore" in r.out_of_scope_paths  # still listed as outside the intent
    image = parse_diff(git_diff(".dockerignore", ".env\n", ""))
    assert review(image, parse_intent("", title="Fix the login redirect")).verdict != "aligned"


def _java_change() -> str:
    from tests.helpers import git_diff

    return git_diff(
        "src/main/java/com/acme/Cache.java",
        "class Cache {\n  int size = 10;\n}\n",
        "class Cache {\n  int size = 20;\n}\n",
    )


def test_an_intent_that_shares_nothing_with_the_change_is_a_mismatch() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review

    r = review(
        parse_diff(_java_change()),
        parse_intent("To reduce supply-chain risk.", title="Add cooldown to Dependabot config"),
    )
    assert [f.severity for f in r.findings if f.rule == "RV103"] == ["medium"]
    assert r.verdict == "mismatch"
    assert any("another change" in q.text for q in r.questions)


@pytest.mark.parametrize(
    ("title", "diff"),
    [
        # one shared word is enough: the intent is about this change, if loosely
        ("Raise the cache size", "java"),
        # a vague intent says nothing to compare
        ("Update", "java"),
        ("Tweaks", "java"),
        # a checker named alone points at whatever it reported, anywhere
        ("chore: address various mypy issues", "java"),
        ("refactor: apply golangci-lint autofixes, work around false positives", "java"),
        ("style: better naming", "java"),
        ("refactor: clean-ups", "java"),
        # what the intent names as a role is what changed
        ("Fix the markdown link", "readme"),
        # "remove these ex-devs" over a change that only removes lines
        ("chore: remove these ex-devs", "removal"),
        # a new project has nothing to be swapped with
        ("Initial import", "new"),
        # a comment-only edit says too little to call a swap
        ("docstring", "comment"),
        # ... and a test that comes with a change follows it: it changes neither reading
        ("docstring", "comment+test"),
        ("chore: remove these ex-devs", "removal+test"),
    ],
)
def test_an_intent_about_the_change_or_too_vague_to_compare_is_not_unrelated(
    title: str, diff: str
) -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    texts = {
        "java": _java_change(),
        "readme": git_diff("README.md", "See [docs](htp://x).\n", "See [docs](http://x).\n"),
        "new": git_diff("infra/main.tf", None, 'resource "aws_s3_bucket" "logs" {}\n'),
        "comment": git_diff(
            "src/render.py",
            "def render(x):\n    # Draw the frame.\n    return x\n",
            "def render(x):\n    # Draw the whole frame.\n    return x\n",
        ),
        "removal": git_diff(
            "access.tf", 'users = [\n  "alice",\n  "bob",\n]\n', 'users = [\n  "alice",\n]\n'
        ),
    }
    test = git_diff("tests/test_render.py", None, "def test_render():\n    assert True\n")
    text = texts.get(diff) or texts[diff.split("+")[0]] + test
    r = review(parse_diff(text), parse_intent("", title=title, source="commit"))
    assert not any(f.rule == "RV103" for f in r.findings)


def test_documentation_riding_along_with_an_explained_change_is_noted_not_drift() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    workflow = git_diff(
        ".github/workflows/ci.yml",
        "jobs:\n  test:\n    steps:\n      - uses: actions/checkout@v3\n",
        "jobs:\n  test:\n    steps:\n      - uses: actions/checkout@v4\n",
    )
    readme = git_diff("modules/web/README.md", "# Web\n\nOld text.\n", "# Web\n\nNew text.\n")
    intent = parse_intent("", title="Update CI workflow versions to latest", source="commit")
    both = review(parse_diff(workflow + readme), intent)
    (f,) = [f for f in both.findings if f.rule == "RV101"]
    assert f.severity == "info" and "noted" in f.title
    assert both.verdict == "aligned"
    # it stays out of scope: a reader sees it was not explained
    assert both.out_of_scope_paths == ("modules/web/README.md",)
    # alone, the unexplained docs change is drift as before
    alone = review(parse_diff(readme), intent)
    assert alone.verdict == "drift"


def test_a_signature_reworked_in_a_file_the_intent_explains_is_noted_a_removal_is_not() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    old = (
        "def handle_error(e):\n    return str(e)\n\n\n"
        "def handle_timeout(e):\n    return repr(e)\n\n\n"
        "def legacy_hook(e):\n    return None\n"
    )
    reworked = old.replace("handle_error(e)", "handle_error(ctx, e)").replace(
        "handle_timeout(e)", "handle_timeout(ctx, e)"
    )
    intent = parse_intent("", title="Pass the dispatch context through handlers.py")
    r = review(parse_diff(git_diff("src/app/handlers.py", old, reworked)), intent)
    sigs = [f for f in r.findings if f.rule == "RV211" and not f.licensed]
    assert sigs and all(f.severity == "low" for f in sigs)
    assert r.verdict == "drift"
    # removing a public function breaks its callers whatever the intent says about the file
    removed = reworked.split("\n\n\ndef legacy_hook")[0] + "\n"
    r2 = review(parse_diff(git_diff("src/app/handlers.py", old, removed)), intent)
    assert r2.verdict == "mismatch"
    # a file the intent does not explain keeps its signature changes at medium
    other = parse_intent("", title="Fix the retry budget in the scheduler")
    r3 = review(parse_diff(git_diff("src/app/handlers.py", old, reworked)), other)
    assert {f.severity for f in r3.findings if f.rule == "RV211"} == {"medium"}


def test_a_count_gate_is_stated_by_naming_what_it_reads() -> None:
    from tests.helpers import git_diff

    old = (
        'resource "aws_s3_bucket_lifecycle_configuration" "content" {\n'
        '  bucket = aws_s3_bucket.content.id\n  rule {\n    id     = "archive"\n'
        '    status = "Enabled"\n    transition {\n'
        "      days          = var.glacier_transition_days\n"
        '      storage_class = "GLACIER"\n    }\n  }\n}\n'
    )
    new = old.replace(
        "{\n  bucket", "{\n  count  = var.glacier_transition_days > 0 ? 1 : 0\n  bucket", 1
    )
    diff = parse_diff(git_diff("modules/bucket/main.tf", old, new))
    named = review(diff, parse_intent("", title="feat: make glacier transition rules optional"))
    gates = [f for f in named.findings if "condition" in f.title]
    assert all(f.licensed for f in gates) and named.verdict != "mismatch"
    # an intent about something else leaves the gate unstated: where it is false, it destroys
    other = review(diff, parse_intent("", title="fix: raise the retry budget of the uploader"))
    assert [f.severity for f in other.findings if "condition" in f.title] == ["medium"]
    assert other.verdict == "mismatch"


def test_removing_stale_tests_explains_their_fixtures_and_test_module() -> None:
    from tests.helpers import git_diff

    fixture = (
        'provider "aws" {\n  region = "us-east-1"\n}\n\n'
        'resource "aws_iam_user" "admin" {\n  name = "admin"\n}\n\n'
        'module "baseline" {\n  source = "../../.."\n}\n'
    )
    gomod = "module example.com/m/test\n\ngo 1.18\n\nrequire github.com/gruntwork-io/terratest v0.40.6\n"
    text = (
        git_diff("test/fixtures/simple/main.tf", fixture, None)
        + git_diff("test/go.mod", gomod, None)
        + git_diff("test/simple_test.go", "package test\n\nfunc TestSimple() {}\n", None)
    )
    r = review(parse_diff(text), parse_intent("", title="chore: remove stale tests"))
    assert r.verdict == "aligned", [(f.rule, f.title) for f in r.findings if not f.licensed]
    # the same deletion under an intent about something else is not explained by it
    other = review(parse_diff(text), parse_intent("", title="chore: tidy the README badges"))
    assert other.verdict != "aligned"
    # and "remove stale tests" does not cover the module's own infrastructure
    prod = git_diff("main.tf", fixture, None) + git_diff(
        "test/simple_test.go", "package test\n", None
    )
    r3 = review(parse_diff(prod), parse_intent("", title="chore: remove stale tests"))
    assert r3.verdict == "mismatch"


def test_deleting_the_repository_policy_for_ai_contributions_is_an_agent_instruction_change() -> (
    None
):
    from tests.helpers import git_diff

    policy = "This project accepts AI generated pull requests when they:\n\n- say so\n"
    fix = git_diff(
        "rich/cells.py",
        "def split(text):\n    return []\n",
        "def split(text):\n    return [text]\n",
    )
    r = review(
        parse_diff(fix + git_diff("AI_POLICY.md", policy, None)),
        parse_intent("", title="fix for infinite loop in split_graphemes"),
    )
    assert r.verdict == "mismatch" and r.blast_radius.level in ("high", "critical")
    stated = review(
        parse_diff(git_diff("AI_POLICY.md", policy, None)),
        parse_intent("", title="Remove AI_POLICY.md, superseded by CONTRIBUTING.md"),
    )
    assert stated.verdict != "mismatch"


def test_an_export_removed_with_every_import_of_it_is_noted() -> None:
    from tests.helpers import git_diff

    helper = "export function stripColor(str) {\n  return str.replace(/x/g, '');\n}\n\nexport class Help {}\n"
    user = "import { Help, stripColor } from './help.js';\n\nexport function width(s) {\n  return stripColor(s).length;\n}\n"
    text = git_diff("lib/help.js", helper, helper.split("\n\n", 1)[1]) + git_diff(
        "lib/command.js", user, user.replace(", stripColor", "").replace("stripColor(s)", "s")
    )
    r = review(parse_diff(text), parse_intent("", title="Simplify width"))
    removed = [f for f in r.findings if f.rule == "RV211" and "stripColor" in f.title]
    assert [f.severity for f in removed] == ["low"]
    # users the change does not touch keep the removal a public interface taken away
    alone = review(
        parse_diff(git_diff("lib/help.js", helper, helper.split("\n\n", 1)[1])),
        parse_intent("", title="Simplify width"),
    )
    assert [
        f.severity for f in alone.findings if f.rule == "RV211" and "stripColor" in f.title
    ] == ["medium"]
