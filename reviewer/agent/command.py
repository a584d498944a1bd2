"""``reviewer agent hook|install`` and ``reviewer mcp``: arguments and dispatch."""

from __future__ import annotations

import argparse

from ..errors import UsageError

AGENTS = ("claude", "codex", "gemini", "cursor")


def add_agent_arguments(a: argparse.ArgumentParser) -> None:
    sub = a.add_subparsers(dest="agent_command", metavar="ACTION", parser_class=type(a))
    hook = sub.add_parser("hook", help="handle one hook call of the agent (JSON payload on stdin)")
    hook.add_argument("agent", choices=AGENTS)
    install = sub.add_parser(
        "install", help="add the hooks to the agent's settings in this repository"
    )
    install.add_argument("agent", choices=AGENTS)
    install.add_argument(
        "--print", dest="print_only", action="store_true", help="print the merged settings only"
    )


def add_mcp_arguments(m: argparse.ArgumentParser) -> None:
    m.description = "Serve review_change and open_questions to MCP clients over stdio."


def agent_command(args: argparse.Namespace) -> int:
    from .agents import PROTOCOLS

    action = getattr(args, "agent_command", None)
    if action == "hook":
        from .hook import emit, read_stdin, run_hook

        return emit(run_hook(PROTOCOLS[args.agent], read_stdin()))
    if action == "install":
        from .. import git
        from .install import install

        root = git.toplevel() if git.inside_work_tree() else None
        if root is None:
            raise UsageError("reviewer agent install: run it inside the repository's work tree")
        text, _ = install(PROTOCOLS[args.agent], root, print_only=args.print_only)
        print(text.rstrip("\n"))
        return 0
    raise UsageError("reviewer agent: choose an action: hook AGENT or install AGENT")


def mcp_command(args: argparse.Namespace) -> int:
    from .mcp_server import serve

    return serve()
