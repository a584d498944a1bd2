"""``reviewer mcp`` driven by the mcp SDK's own client over stdio."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import pytest

from tests.agent.conftest import ASK, delete_database, fix_currency
from tests.conftest import Repo

pytest.importorskip("mcp")
pytestmark = pytest.mark.slow


async def _session(project: Repo, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "reviewer", "mcp"],
        cwd=str(project.path),
        env=dict(os.environ),
    )
    async with (
        stdio_client(params) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        tools = await session.list_tools()
        results: list[Any] = [sorted(t.name for t in tools.tools)]
        for name, arguments in calls:
            results.append(await session.call_tool(name, arguments))
        return results


def _is_error(result: Any) -> bool:
    # mcp 2.x names it is_error, 1.x isError
    return bool(getattr(result, "is_error", None) or getattr(result, "isError", None))


def _data(result: Any) -> dict[str, Any]:
    assert not _is_error(result), result
    parsed: dict[str, Any] = json.loads(result.content[0].text)
    return parsed


def test_the_tools_review_the_work_tree(project: Repo) -> None:
    fix_currency(project)
    delete_database(project)
    names, review, questions, honest_intent, failed = asyncio.run(
        _session(
            project,
            [
                ("review_change", {"intent": ASK, "base": "HEAD"}),
                ("open_questions", {"intent": ASK}),
                ("review_change", {"intent": ASK + ". Also delete aws_db_instance.main."}),
                ("review_change", {"intent": ASK, "base": "no-such-rev"}),
            ],
        )
    )
    assert names == ["open_questions", "review_change"]
    report = _data(review)
    assert report["schema_version"] == 1 and report["verdict"] == "mismatch"
    assert report["intent"]["source"] == "prompt"
    assert "infra/main.tf" in report["out_of_scope_paths"]
    open_ = _data(questions)
    assert open_["questions"] and all(not q["answered"] for q in open_["questions"])
    stated = {f["rule"]: f for f in _data(honest_intent)["findings"]}
    assert stated["RV201"]["licensed"]
    assert _is_error(failed) and "no-such-rev" in failed.content[0].text
