"""``reviewer mcp``: an MCP server (stdio) so that any MCP-capable agent can check its own change.

The only importer of the ``mcp`` SDK (the ``agent`` extra), imported when the server starts.
Tools: ``review_change(intent, base)`` returns the JSON report of the work tree (staged, unstaged
and untracked files) against ``base``; ``open_questions(intent, base)`` returns the questions that
still need an answer. An empty intent means the branch's recorded intent (``reviewer intent``).
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from ..errors import ReviewerError, UsageError

INSTRUCTIONS = (
    "intent-review compares a change with what the user asked for. Before you finish, call "
    "review_change with the user's request as `intent`; if it returns open questions, revert what "
    "the user did not ask for, or tell the user what the change does and ask them to answer."
)


def _sdk() -> tuple[Any, type[Exception]]:
    """The SDK's high-level server class and the error a tool raises to report a failure:
    ``MCPServer`` (mcp 2.x) or ``FastMCP`` (mcp 1.x)."""
    for package, name in (("mcp.server.mcpserver", "MCPServer"), ("mcp.server.fastmcp", "FastMCP")):
        try:
            server = getattr(importlib.import_module(package), name)
            error: type[Exception] = importlib.import_module(f"{package}.exceptions").ToolError
            return server, error
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("mcp"):
                raise
    raise UsageError(
        "reviewer mcp needs the agent extra (the mcp SDK is missing): "
        "pip install 'intent-reviewer[agent]'"
    )


def report(intent: str, base: str) -> dict[str, Any]:
    """The review of the work tree against ``base`` as the JSON report (schema_version 1)."""
    from .. import git
    from ..intent_store import IntentStore
    from ..render import renderer
    from .stop import review_worktree

    if not git.inside_work_tree():
        raise UsageError("the MCP server runs outside a git work tree: start it in the repository")
    text = intent.strip()
    if not text:
        recorded = IntentStore.here().get()
        if recorded is None:
            raise UsageError(
                "no intent given and none recorded: pass the user's request as `intent`"
            )
        text = str(recorded["text"])
    sha = git.resolve(base or "HEAD")
    done = review_worktree(text, sha, answers=[text])
    if done is None:
        return {
            "schema_version": 1,
            "verdict": "aligned",
            "files": [],
            "questions": [],
            "note": f"nothing changed since {base or 'HEAD'}",
        }
    data: dict[str, Any] = json.loads(renderer("json")(done[0]))
    return data


def serve() -> int:
    server_class, tool_error = _sdk()
    server = server_class(name="intent-reviewer", instructions=INSTRUCTIONS)

    def review_change(intent: str = "", base: str = "HEAD") -> dict[str, Any]:
        """Review the uncommitted change (and commits since `base`) against the user's request.

        intent: what the user asked for, in their words (empty: the recorded intent).
        base: the commit the change starts from (default HEAD)."""
        return _tool(lambda: report(intent, base), tool_error)

    def open_questions(intent: str = "", base: str = "HEAD") -> dict[str, Any]:
        """The questions about the change that still need an answer before it is done."""

        def run() -> dict[str, Any]:
            data = report(intent, base)
            questions = [q for q in data.get("questions", []) if not q.get("answered")]
            return {
                "verdict": data.get("verdict"),
                "blast_radius": data.get("blast_radius"),
                "out_of_scope_paths": data.get("out_of_scope_paths", []),
                "questions": questions,
            }

        return _tool(run, tool_error)

    for tool in (review_change, open_questions):
        server.tool()(tool)
    server.run("stdio")
    return 0


def _tool(work: Any, tool_error: type[Exception]) -> dict[str, Any]:
    try:
        result: dict[str, Any] = work()
        return result
    except ReviewerError as exc:
        # the SDK's ToolError reaches the agent as an error result with this message
        raise tool_error(str(exc)) from exc
