"""``python -m reviewer``."""

from .cli import run

run()
