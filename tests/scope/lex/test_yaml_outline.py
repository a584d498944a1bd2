"""The indentation outline of YAML and JSON: exact paths, gaps in fragments, JSON items."""

from __future__ import annotations

from reviewer.scope.engine import Segment
from reviewer.scope.lex.yaml_outline import GAP, outline


def test_outline_paths_and_gaps_in_a_fragment() -> None:
    # a hunk under the ``jobs:`` heading that starts deep inside a job: its ancestors are unknown
    text = "jobs:\n          exit 1\n      env:\n        A: b\n    - name: next\n"
    ol = outline(Segment("new", text, 40, heading=True))
    paths = {n.key: n.fullpath for n in ol.nodes}
    assert paths["jobs"] == ("jobs",)
    assert paths["env"] == ("jobs", GAP, "env")
    assert paths["A"] == ("jobs", GAP, "env", "A")
    assert [t.text for t in ol.texts] == ["exit 1"]
    # the heading is not a line of the fragment: it stands just before it
    assert ol.nodes[0].virtual and ol.nodes[0].line == 39


def test_outline_under_a_heading_with_visible_children_is_exact() -> None:
    text = "cartService:\n  resources:\n    limits:\n      memory: 128Mi\n"
    ol = outline(Segment("new", text, 77, heading=True))
    assert ol.nodes[-1].fullpath == ("cartService", "resources", "limits", "memory")
    assert ol.nodes[-1].exact and ol.nodes[-1].line == 79


def test_outline_json_items_and_scalars() -> None:
    text = '{\n  "a": [\n    {\n      "b": "*"\n    },\n    "c"\n  ]\n}\n'
    ol = outline(Segment("new", text, 1), json=True)
    found = [(n.fullpath, n.scalar) for n in ol.nodes]
    assert (("a", "-", "b"), "*") in found
    assert (("a", "-"), "c") in found
