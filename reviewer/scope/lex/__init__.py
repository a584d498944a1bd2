"""Shared lexers of the scope analyzers: text in, tokens or outlines out; no knowledge of change kinds."""
