"""CONTRIBUTING.md names real places: every path it gives exists, every command it names is real."""

from __future__ import annotations

import re
from pathlib import Path

from reviewer.scope import registry

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "CONTRIBUTING.md").read_text("utf-8")


def test_every_path_it_names_exists() -> None:
    paths = set(
        re.findall(r"`((?:reviewer|tests|docs|benchmarks|bench|scripts)/[\w./<>-]*)`", TEXT)
    )
    concrete = {p for p in paths if "<" not in p and "..." not in p}
    assert concrete, "the guide names no paths"
    missing = sorted(p for p in concrete if not (ROOT / p).exists())
    assert not missing, f"CONTRIBUTING.md names paths that do not exist: {missing}"


def test_the_tables_it_points_to_exist() -> None:
    for table in ("BY_LANGUAGE", "YAML_FAMILIES", "RegistryError"):
        assert table in TEXT and hasattr(registry, table)
    assert "python -m reviewer.rules.catalogue --markdown > docs/rules.md" in TEXT
    assert "reviewer bench ../shared/bench/dev.jsonl" in TEXT
