"""Guardrails inside AI coding agents: hooks, intent capture, the Stop review, install, MCP."""
