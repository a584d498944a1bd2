"""SARIF for code scanning: valid against the SARIF 2.1.0 schema, within GitHub's upload rules
(a file location on every result, relative URIs, stable partialFingerprints), goldens from the real
pipeline."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote_to_bytes

import jsonschema
import pytest

from reviewer import __version__
from reviewer.cli import main
from reviewer.models import CHANGE_KINDS, FileReview, FileScope, Finding, Review
from reviewer.record import replace
from reviewer.render import renderer, sarif
from reviewer.render.sarif import FINGERPRINT_KEY, MAX_RESULTS, render, uri
from reviewer.rules import RULES_BY_ID, catalogue

from .cases import GOLDEN, SCHEMA, big_review, case_names, check_golden, load_case, without_version

T = TypeVar("T")

_VALIDATOR = jsonschema.Draft4Validator(json.loads(SCHEMA.read_text("utf-8")))
#: a relative reference with no scheme, no authority and only characters a URI may hold
_RELATIVE_URI = re.compile(r"(?![^/]*:)[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+")


def validate(text: str) -> dict[str, Any]:
    """The parsed log, after checking it against the schema and GitHub's ingestion rules."""
    log: dict[str, Any] = json.loads(text)
    errors = sorted(_VALIDATOR.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) <= MAX_RESULTS
    for result in run["results"]:
        # GitHub refuses the whole upload when one result lacks a file location or has a bad URI
        assert len(result["locations"]) == 1
        phys = result["locations"][0]["physicalLocation"]
        assert _RELATIVE_URI.fullmatch(phys["artifactLocation"]["uri"]), phys
        assert phys["region"]["startLine"] >= 1
        assert result["message"]["text"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert set(result["partialFingerprints"]) == {FINGERPRINT_KEY}
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["defaultConfiguration"]["level"] in (
            "note",
            "warning",
            "error",
        )
        assert len(rule["properties"]["tags"]) <= 10
    assert {r["id"] for r in rules} == {r["ruleId"] for r in run["results"]}
    return log


# --- goldens --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", case_names())
def test_golden(name: str, update_goldens: bool) -> None:
    review, _ = load_case(name)
    text = render(review)
    validate(text)
    check_golden(GOLDEN / name / "expected.sarif.json", without_version(text), update_goldens)


def test_registry_and_cli_produce_the_same_valid_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review, _ = load_case("incident")
    assert renderer("sarif")(review) == render(review)
    out = tmp_path / "review.sarif"
    diff = GOLDEN / "incident" / "change.diff"
    code = main(
        [
            "review",
            "--diff",
            str(diff),
            "--intent",
            "Fix minor Cost Explorer bug",
            "--format",
            "sarif",
            "--output",
            str(out),
        ]
    )
    assert code == 1  # the review requires answers
    log = validate(out.read_text("utf-8"))
    assert log["runs"][0]["properties"]["verdict"] == "mismatch"


# --- mapping --------------------------------------------------------------------------------


def test_tool_and_rule_metadata() -> None:
    review, _ = load_case("incident")
    run = validate(render(review))["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "intent-reviewer" and driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    by_id = {r["id"]: r for r in driver["rules"]}
    for rid, rule in by_id.items():
        known = RULES_BY_ID[rid]
        assert rule["name"] == known.name
        assert rule["shortDescription"]["text"] == known.summary
        if known.kind:
            assert known.kind in rule["properties"]["tags"]
    assert by_id["RV201"]["defaultConfiguration"]["level"] == "error"
    assert by_id["RV101"]["defaultConfiguration"]["level"] == "note"


def test_rule_help_lists_the_catalogued_signal_codes_of_its_kind() -> None:
    review, _ = load_case("incident")
    rules = validate(render(review))["runs"][0]["tool"]["driver"]["rules"]
    kind_rules = [r for r in rules if RULES_BY_ID[r["id"]].kind in CHANGE_KINDS]
    assert kind_rules
    for rule in kind_rules:
        codes = catalogue.codes_of_kind(RULES_BY_ID[rule["id"]].kind or "")
        for c in codes:
            assert f"- {c.code}: {c.meaning}" in rule["help"]["text"]
            assert f"| `{c.code}` | {c.severity} |" in rule["help"]["markdown"]
    # rules about no change kind carry no code list
    assert all("Signal codes" not in r["help"]["text"] for r in rules if r["id"] in ("RV101",))


def test_levels_follow_severity() -> None:
    review, _ = load_case("answered_llm_degraded")
    run = validate(render(review))["runs"][0]
    expected = {
        "critical": "error",
        "high": "error",
        "medium": "warning",
        "low": "note",
        "info": "note",
    }
    assert len(run["results"]) == len(review.findings)
    for result, finding in zip(run["results"], review.findings, strict=True):
        assert result["ruleId"] == finding.rule
        assert result["level"] == expected[finding.severity]
        assert result["properties"]["severity"] == finding.severity
        assert result["properties"]["source"] == finding.source
        assert result["properties"]["licensed"] == finding.licensed
        assert result["partialFingerprints"][FINGERPRINT_KEY] == finding.id


def test_llm_findings_get_a_rule_of_their_own() -> None:
    review, _ = load_case("answered_llm_degraded")
    run = validate(render(review))["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "LLM001")
    assert "llm" in rule["properties"]["tags"] and "dangerous_command" in rule["properties"]["tags"]
    result = next(r for r in run["results"] if r["ruleId"] == "LLM001")
    assert result["properties"]["confidence"] == 0.8


def test_new_side_lines_and_base_side_lines() -> None:
    review, _ = load_case("incident")
    run = validate(render(review))["runs"][0]
    for result, f in zip(run["results"], review.findings, strict=True):
        loc = result["locations"][0]
        region = loc["physicalLocation"]["region"]
        if f.path is None:
            continue
        assert loc["physicalLocation"]["artifactLocation"]["uri"] == uri(f.path)
        if f.side == "old" and f.line:
            assert region == {"startLine": 1}
            assert loc["properties"] == {
                "side": "old",
                "baseLine": f.line,
                "note": "the line is in the base revision",
            }
            assert f"line {f.line} of the base revision" in result["message"]["text"]
        else:
            assert region == {"startLine": f.line or 1}
    assert any(f.side == "old" and f.line for f in review.findings)


def test_intent_level_findings_are_anchored_to_the_first_changed_file() -> None:
    review, _ = load_case("no_intent")
    run = validate(render(review))["runs"][0]
    pathless = [f for f in review.findings if f.path is None]
    assert pathless
    first = review.files[0].scope.path
    for f in pathless:
        result = next(
            r for r in run["results"] if r["partialFingerprints"][FINGERPRINT_KEY] == f.id
        )
        loc = result["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"]["uri"] == uri(first)
        assert loc["physicalLocation"]["region"] == {"startLine": 1}
        assert loc["properties"] == {"anchor": "intent"}
        assert "about the change as a whole" in result["message"]["text"]
    props = run["properties"]
    assert props["intentLevelAnchor"] == first
    assert {f["id"] for f in props["intentLevelFindings"]} == {f.id for f in pathless}


def test_the_anchor_skips_deleted_files_and_an_empty_diff_keeps_them_in_properties() -> None:
    review, _ = load_case("no_intent")
    gone = replace(
        review.files[0], scope=replace(review.files[0].scope, status="deleted", path="old.py")
    )
    moved = replace(review, files=(gone, *review.files[1:]))
    run = validate(render(moved))["runs"][0]
    assert run["properties"]["intentLevelAnchor"] == review.files[1].scope.path

    empty = replace(review, files=(), findings=tuple(f for f in review.findings if f.path is None))
    run = validate(render(empty))["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    assert [f["id"] for f in run["properties"]["intentLevelFindings"]] == [
        f.id for f in empty.findings
    ]
    assert "intentLevelAnchor" not in run["properties"]


def test_run_properties_and_invocation() -> None:
    review, _ = load_case("answered_llm_degraded")
    run = validate(render(review))["runs"][0]
    props = run["properties"]
    assert props["verdict"] == review.verdict and props["requiresAnswers"] is True
    assert props["blastRadius"] == {
        "level": "critical",
        "reasons": list(review.blast_radius.reasons),
    }
    assert [q["id"] for q in props["questions"]] == [q.id for q in review.questions]
    assert sum(q["answered"] for q in props["questions"]) == 2
    assert props["degraded"] is True and props["summary"] == review.summary
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    ids = [n["descriptor"]["id"] for n in invocation["toolExecutionNotifications"]]
    assert ids == ["degraded", "review-note"]
    assert invocation["toolExecutionNotifications"][0]["level"] == "warning"

    clean, _ = load_case("aligned")
    assert validate(render(clean))["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_questions_travel_with_their_finding() -> None:
    review, _ = load_case("incident")
    run = validate(render(review))["runs"][0]
    for q in review.questions:
        result = next(
            r for r in run["results"] if r["partialFingerprints"][FINGERPRINT_KEY] == q.finding
        )
        assert q.id in result["properties"]["questions"]
        assert f"- {q.id}: {q.text}" in result["message"]["text"]
    answered, _ = load_case("answered_llm_degraded")
    texts = "\n".join(
        r["message"]["text"] for r in validate(render(answered))["runs"][0]["results"]
    )
    # a question travels with every finding of its concern
    ids = {f.id for f in answered.findings}
    expected = sum(len({q.finding, *q.findings} & ids) for q in answered.questions if q.answered)
    assert expected >= 2 and texts.count(" (answered): ") == expected


def test_fingerprints_do_not_move_with_lines() -> None:
    review, _ = load_case("incident")
    shifted = replace(
        review, findings=tuple(replace(f, line=(f.line or 0) + 40) for f in review.findings)
    )
    a = [r["partialFingerprints"] for r in validate(render(review))["runs"][0]["results"]]
    b = [r["partialFingerprints"] for r in validate(render(shifted))["runs"][0]["results"]]
    assert a == b and len({json.dumps(p) for p in a}) == len(a)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("src/a b.py", "src/a%20b.py"),
        ("c:/x.py", "c%3A/x.py"),
        ("docs/#1?.md", "docs/%231%3F.md"),
        ("100%.txt", "100%25.txt"),
        ("ünï/código.py", "%C3%BCn%C3%AF/c%C3%B3digo.py"),
        ("bad\udcffbyte.txt", "bad%FFbyte.txt"),
        ("docs/<img src=x> @me |x|.md", "docs/%3Cimg%20src%3Dx%3E%20%40me%20%7Cx%7C.md"),
    ],
)
def test_paths_become_relative_uris_that_decode_to_the_same_bytes(path: str, expected: str) -> None:
    assert uri(path) == expected
    assert _RELATIVE_URI.fullmatch(expected)
    assert unquote_to_bytes(expected) == path.encode("utf-8", "surrogateescape")


def test_undecodable_text_does_not_break_the_json() -> None:
    review, _ = load_case("aligned")
    scope = FileScope(path="bad\udcff.py", old_path=None, status="modified", language="python")
    f = Finding(
        id="RV101-00000000000a",
        rule="RV101",
        severity="low",
        title="File `bad\udcff.py` x",
        path="bad\udcff.py",
    )
    odd = replace(
        review, files=(FileReview(scope=scope, explained=False),), findings=(f,), notes=("n\udcff",)
    )
    text = render(odd)
    text.encode("utf-8")
    log = validate(text)
    assert (
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "bad%FF.py"
    )


def test_unanalysed_files_become_notifications() -> None:
    review, _ = load_case("aligned")
    fr = review.files[0]
    blind = replace(
        review, files=(replace(fr, scope=replace(fr.scope, mode="none", notes=("binary file",))),)
    )
    notes = validate(render(blind))["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["descriptor"]["id"] == "file-not-analysed"
    assert notes[0]["message"]["text"] == f"{fr.scope.path}: binary file"


# --- size -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_ten_thousand_files_validate() -> None:
    review = big_review()
    log = validate(render(review))
    run = log["runs"][0]
    assert len(run["results"]) == len(review.findings)
    assert {r["ruleId"] for r in run["results"]} == {"RV101", "RV201"}


def test_results_are_capped_at_githubs_limit_most_severe_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    review = big_review(files=100, findings=500, questions=0)
    monkeypatch.setattr(sarif, "MAX_RESULTS", 50)
    ordered = replace(
        review,
        findings=tuple(
            sorted(
                review.findings,
                key=lambda f: -["info", "low", "medium", "high", "critical"].index(f.severity),
            )
        ),
    )
    run = validate(render(ordered))["runs"][0]
    assert len(run["results"]) == 50
    assert all(r["level"] == "error" for r in run["results"])
    note = run["invocations"][0]["toolExecutionNotifications"][0]
    assert note["descriptor"]["id"] == "results-capped" and note["message"]["text"].startswith(
        "450 "
    )


def rebuilt(review: Review, seed: int) -> Review:
    """An equal review whose files, findings and questions were made again in a shuffled order:
    other objects at other addresses, so an order taken from identity or allocation shows."""
    rnd = random.Random(seed)

    def remake(items: tuple[T, ...]) -> tuple[T, ...]:
        order = list(range(len(items)))
        rnd.shuffle(order)
        made = {i: replace(items[i]) for i in order}
        return tuple(made[i] for i in range(len(items)))

    out = replace(
        review,
        files=remake(review.files),
        findings=remake(review.findings),
        questions=remake(review.questions),
    )
    assert out == review and out.findings[0] is not review.findings[0]
    return out


def renders(seed: int) -> str:
    """The SARIF of a large synthetic review and of the incident (the real pipeline: path-less
    findings anchored, unanalysed files noted), both rebuilt in an order drawn from ``seed``."""
    big = big_review(files=300, findings=300, questions=100)
    incident, _ = load_case("incident")
    return render(rebuilt(big, seed)) + render(rebuilt(incident, seed))


def test_output_is_deterministic() -> None:
    """Equal reviews render byte for byte the same, however their parts were made and in whichever
    process: other build orders, other hash seeds (set and dict orders of strings change)."""
    expected = render(big_review(files=300, findings=300, questions=100))
    expected += render(load_case("incident")[0])
    assert renders(1) == expected
    script = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parents[2])!r})\n"
        "from tests.render.test_sarif import renders\n"
        "sys.stdout.write(renders(int(sys.argv[1])))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, seed],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "2", "3")
    }
    assert outputs == {expected}
