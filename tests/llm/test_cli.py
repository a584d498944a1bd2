"""``reviewer review --llm`` in-process against a local server: faults degrade, exit codes hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reviewer.cli import main

from . import samples
from .stub_server import Reply, StubServer, completion, ok

INTENT = "fix: round invoice totals to cents"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    diff = tmp_path / "change.diff"
    diff.write_text(samples.DIFF)
    config = tmp_path / "reviewer.toml"
    config.write_text("[llm]\ntimeout_s = 0.5\ndeadline_s = 5\nmax_retries = 1\n")
    return {"diff": diff, "config": config, "out": tmp_path / "report.json"}


def _review(files: dict[str, Path], *extra: str) -> tuple[int, dict[str, Any]]:
    argv = [
        "review",
        "--diff",
        str(files["diff"]),
        "--intent",
        INTENT,
        "--config",
        str(files["config"]),
    ]
    argv += ["--format", "json", "-o", str(files["out"]), *extra]
    code = main(argv)
    report = json.loads(files["out"].read_text()) if files["out"].exists() else {}
    return code, report


def _offline_code(files: dict[str, Path]) -> int:
    code, report = _review(files)
    assert report["degraded"] is False
    return code


FAULTS = {
    "http_500": [Reply(500, {"error": {"message": "boom"}})],
    "http_429_retry_after": [Reply(429, {"error": {"message": "slow down"}}, {"retry-after": "0"})],
    "timeout": [Reply(delay=3.0, body={})],
    "not_json": [Reply(body=completion("Sure! Looks good to me."))],
    "schema_violation": [Reply(body=completion('{"findings": "none"}'))],
    "refusal": [Reply(body=completion(None, refusal="I can't help with that."))],
    "truncated": [Reply(body=completion('{"implied": [', finish="length"))],
}


@pytest.mark.parametrize(
    "fault",
    # the timeout waits out the client's timeout: the slow lane
    [pytest.param(f, marks=pytest.mark.slow) if f == "timeout" else f for f in sorted(FAULTS)],
)
def test_faults_degrade_with_the_offline_exit_code(
    fault: str,
    files: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    offline = _offline_code(files)
    with StubServer(FAULTS[fault]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code, report = _review(files, "--llm")
        assert code == offline
        assert report["degraded"] is True and report["stats"]["llm_calls"] >= 1
        assert any("degraded" in n for n in report["notes"])
        files["out"].unlink()
        capsys.readouterr()
        code, _ = _review(files, "--llm", "--on-llm-error", "fail")
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("reviewer: error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_success_then_a_cached_rerun(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    offline = _offline_code(files)
    with StubServer([ok]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code, report = _review(files, "--llm", "-v", "--model", "gpt-4.1-mini")
        first_err = capsys.readouterr().err
        again_code, again = _review(files, "--llm", "-v", "--model", "gpt-4.1-mini")
        again_err = capsys.readouterr().err
        calls = len(server.received)
    assert code >= offline and again_code == code
    assert report["degraded"] is False and report["summary"]
    llm = report["llm"]
    assert isinstance(llm, dict) and llm["model"] == "gpt-4.1-mini"
    assert f"cache key {llm['cache_key']} (miss)" in first_err
    assert f"cache key {llm['cache_key']} (hit" in again_err
    assert calls == 1 and again["stats"]["llm_tokens"] == 0 and again["stats"]["llm_calls"] == 0
    assert any(f["source"] == "llm" for f in again["findings"])


def test_llm_without_a_key_is_the_offline_review(files: dict[str, Path]) -> None:
    offline = _offline_code(files)
    files["out"].unlink()
    code, report = _review(files, "--llm")
    assert code == offline and report["degraded"] is False and "llm" not in report
    assert any("offline review" in n for n in report["notes"])


def test_a_key_over_plain_http_to_a_remote_host_is_refused(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://llm.example.com/v1")
    _, report = _review(files, "--llm")
    assert report["degraded"] is True and "plain http" in str(report["llm"])
    assert (
        main(
            [
                "review",
                "--diff",
                str(files["diff"]),
                "--intent",
                INTENT,
                "--llm",
                "--on-llm-error",
                "fail",
            ]
        )
        == 2
    )
