"""Grammars load from the wheels' compiled bindings, once, offline; anything else falls back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reviewer.scope import grammars


def test_every_grammar_loads_and_parses() -> None:
    for name in grammars._GRAMMARS:
        tree = grammars.parser(name).parse(b"x\n")
        assert tree.root_node is not None, name
        assert grammars.language(name) is grammars.language(name)  # loaded once


def test_the_binding_is_loaded_without_the_package_init() -> None:
    """The wheels' ``__init__`` imports importlib.resources (and tempfile, shutil): not on our path."""
    code = (
        "import sys; from reviewer.scope import grammars; grammars.parser('go').parse(b'x');"
        "print('tree_sitter_go' in sys.modules, 'importlib.resources' in sys.modules,"
        " 'tree_sitter_go._binding' in sys.modules)"
    )
    root = str(Path(__file__).resolve().parents[2])
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": root},
    ).stdout.split()
    assert out == ["False", "False", "True"]


def test_a_package_without_a_compiled_binding_falls_back_to_a_plain_import() -> None:
    assert grammars._binding("reviewer") is None  # a package, but no _binding extension
    assert grammars._binding("no_such_grammar_package") is None
