"""The terminal: its width, found without ``shutil`` (argparse imports it on every cold start, with
the compression modules), and one-line messages on standard error."""

from __future__ import annotations

import os
import sys


def columns() -> int:
    """Terminal columns like ``shutil.get_terminal_size``: $COLUMNS, then the terminal, then 80."""
    try:
        n = int(os.environ.get("COLUMNS", ""))
        if n > 0:
            return n
    except ValueError:
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def width() -> int:
    """The width a text report is wrapped at."""
    return max(60, min(120, columns()))


def say(text: str) -> None:
    """One line on standard error; a closed or broken stream loses the line, never the exit code."""
    try:
        sys.stderr.write(text.replace("\n", " ") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
