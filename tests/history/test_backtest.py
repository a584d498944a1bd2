"""``reviewer backtest`` on real repositories: which changes, which intent, which policy, the noise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.history.backtest import BASE_POLICY, PolicySpec, backtest
from reviewer.history.change_review import backtest_change
from reviewer.history.changes import list_changes, pr_number, read_change, stated_intent

from .conftest import History

DEFAULTS = PolicySpec("defaults", "")


def by_sha(rows: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {r["sha"]: r for r in rows}


def test_changes_are_the_first_parent_history_oldest_first(history: History) -> None:
    changes = list_changes(str(history.repo.path))
    shas = [c.sha for c in changes]
    s = history.shas
    assert shas == [
        s["initial"],
        s["typo"],
        s["outage"],
        s["revert"],
        s["merge"],
        s["tidy"],
        s["policy"],
        s["late"],
    ]
    assert s["feature"] not in shas  # a merged branch's own commits are part of its merge
    assert changes[4].merge and changes[4].pr == 4
    assert [c.sha for c in list_changes(str(history.repo.path), max_count=2)] == [
        s["policy"],
        s["late"],
    ]
    window = list_changes(str(history.repo.path), since="2025-02-01", until="2025-03-05")
    assert [c.sha for c in window] == [s["outage"], s["revert"], s["merge"]]


def test_a_bare_merge_states_its_commits_messages(history: History) -> None:
    repo = str(history.repo.path)
    text = stated_intent(repo, read_change(repo, history.shas["merge"]))
    assert "Add the deployment guide docs/guide.md" in text
    assert stated_intent(repo, read_change(repo, history.shas["typo"])) == "Fix typo in README (#1)"


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("Merge pull request #12 from a/b", 12),
        ("fix: the thing (#345)", 345),
        ("fix: the thing #345 in the middle", None),
        ("plain", None),
    ],
)
def test_pr_number(subject: str, number: int | None) -> None:
    assert pr_number(subject) == number


def test_the_job_unit_is_a_plain_function_of_plain_values(history: History) -> None:
    summary = backtest_change(str(history.repo.path), history.shas["outage"], None)
    assert json.loads(json.dumps(summary)) == summary  # it can go through any queue
    assert summary["blocked"] and summary["verdict"] == "mismatch"
    assert summary["blast_radius"] == "critical"
    assert "RV201" in summary["rules"]
    assert summary["areas"] == ["infra"]
    assert summary["questions"]
    honest = backtest_change(str(history.repo.path), history.shas["typo"], None)
    assert not honest["blocked"] and honest["verdict"] == "aligned"


def test_the_pr_text_replaces_the_message_as_the_intent(history: History) -> None:
    repo = str(history.repo.path)
    stated = "Remove the aws_db_instance.main database: it moved to the shared cluster"
    summary = backtest_change(repo, history.shas["outage"], None, intent=stated)
    assert summary["intent_source"] == "pr"
    assert "RV201" not in summary["rules"]


def test_backtest_reports_blocks_reverts_and_noise(history: History) -> None:
    repo = str(history.repo.path)
    changes = list_changes(repo)
    report = backtest(repo, changes, tip=changes[-1].sha)
    s = history.shas
    (p,) = report["policies"]
    rows = by_sha(p["changes"])
    # the outage was reverted: a block that was right; the tidy-up was never followed up
    assert rows[s["outage"]]["blocked"]
    assert rows[s["outage"]]["followed_up"] == {"how": "reverted", "by": s["revert"]}
    assert rows[s["tidy"]]["blocked"] and rows[s["tidy"]]["followed_up"] is None
    # the policy at each change's base: after the policy commit, deletions are not blocked
    assert not rows[s["late"]]["blocked"]
    assert p["totals"]["blocked"] == sum(1 for r in p["changes"] if r["blocked"])
    assert p["noise"]["blocked"] == p["totals"]["blocked"]
    assert p["noise"]["never_followed_up"] == p["noise"]["blocked"] - 1
    assert p["riskiest"][0]["sha"] in (s["outage"], s["tidy"])
    months = {m["month"]: m for m in p["months"]}
    assert months["2025-02"]["blocked"] >= 1
    # the policy commit loosens the reviewer's own gate (it ignores rules): governance, blocked
    assert rows[s["policy"]]["blocked"]
    assert {a["area"] for a in p["areas"]} == {"infra", "(root)"}
    assert report["speed"]["changes"] == len(changes)


def test_two_policies_side_by_side(history: History) -> None:
    repo = str(history.repo.path)
    changes = list_changes(repo)
    report = backtest(repo, changes, [BASE_POLICY, DEFAULTS], tip=changes[-1].sha)
    base, defaults = (by_sha(p["changes"]) for p in report["policies"])
    late = history.shas["late"]
    assert not base[late]["blocked"] and defaults[late]["blocked"]


def test_parallel_workers_give_the_serial_answer(history: History) -> None:
    repo = str(history.repo.path)
    changes = list_changes(repo)
    serial = backtest(repo, changes, tip=changes[-1].sha, jobs=1)
    parallel = backtest(repo, changes, tip=changes[-1].sha, jobs=2)
    assert serial["policies"] == parallel["policies"]


def test_a_broken_policy_at_one_base_is_that_change_s_error(history: History) -> None:
    repo = history.repo
    repo.write(".reviewer.toml", "fail_on = 'sometimes'\n")
    repo.commit("Break the policy (#8)")
    repo.write("README.md", "# Project\n\nAnother line.\n")
    after = repo.commit("Add a line to the README (#9)")
    summary = backtest_change(str(repo.path), after, None)
    assert summary["error"] and "fail_on" in summary["error"]
    assert summary["blocked"] is False


def test_cli_writes_json_and_a_self_contained_html_page(
    history: History, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_json, out_html = tmp_path / "bt.json", tmp_path / "bt.html"
    policy = tmp_path / "strict.toml"
    policy.write_text('fail_on = "drift"\n')
    code = main(
        [
            "backtest",
            "--repo",
            str(history.repo.path),
            "--jobs",
            "1",
            "--policy",
            "base",
            "--policy",
            str(policy),
            "--json",
            str(out_json),
            "--html",
            str(out_html),
            "--link",
            "https://example.test/commit/{sha}",
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "would have blocked" in text and "reviews/s" in text  # two policies: two reviews each
    report = json.loads(out_json.read_text())
    assert [p["name"] for p in report["policies"]] == ["policy at each change's base", str(policy)]
    page = out_html.read_text()
    assert "<script" not in page.lower()  # the commit subject with a script tag is escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<svg" in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert f'href="https://example.test/commit/{history.shas["outage"]}"' in page
    assert "Policies side by side" in page


def test_cli_usage_errors(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    repo = str(history.repo.path)
    assert main(["backtest", "--repo", repo, "--max", "0"]) == 2
    assert main(["backtest", "--repo", repo, "--since", "2030-01-01"]) == 2
    assert main(["backtest", "--repo", repo, "--policy", "/nonexistent.toml"]) == 2
    assert main(["backtest", "--repo", repo, "--github-repo", "a/b"]) == 2  # no token
    err = capsys.readouterr().err
    assert "no merged changes" in err and "GITHUB_TOKEN" in err


def test_pr_texts_come_from_the_api_by_number_or_by_commit() -> None:
    from reviewer.history.changes import Change
    from reviewer.history.pulls import github_repo_of, pr_texts

    calls: list[str] = []

    def fake(url: str, token: str) -> object:
        calls.append(url)
        assert token == "t0ken"
        if url.endswith("/pulls/7"):
            return {"title": "Drop the assets bucket", "body": "It moved to the CDN."}
        if url.endswith("/commits/bbb/pulls"):
            return [{"number": 9, "title": "Direct push", "body": None}]
        return None

    changes = [
        Change("aaa", ("p",), 0, "a", "docs: update (#7)"),
        Change("bbb", ("p",), 0, "a", "no number"),
        Change("ccc", ("p",), 0, "a", "gone (#404)"),
    ]
    texts = pr_texts("acme/infra", changes, "t0ken", fetch=fake)
    assert texts == {"aaa": "Drop the assets bucket\n\nIt moved to the CDN.", "bbb": "Direct push"}
    assert calls[0] == "https://api.github.com/repos/acme/infra/pulls/7"
    assert github_repo_of("git@github.com:acme/infra.git") == "acme/infra"
    assert github_repo_of("https://github.com/acme/infra") == "acme/infra"
    assert github_repo_of("/srv/git/infra.git") is None


def test_a_hotfix_touching_the_same_files_follows_a_change_up(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewer.history.followups import find_followups

    from .conftest import at

    repo = history.repo
    at(monkeypatch, "2025-04-03T10:00:00Z")
    repo.write("infra/main.tf", (repo.path / "infra/main.tf").read_text() + "\n")
    hotfix = repo.commit("hotfix: restore the infra after the readme update")
    changes = list_changes(str(repo.path))
    found = find_followups(str(repo.path), changes, hotfix)
    assert found[history.shas["late"]].how == "hot-fixed"
    assert found[history.shas["late"]].by == hotfix
    assert history.shas["tidy"] not in found  # more than a week before
