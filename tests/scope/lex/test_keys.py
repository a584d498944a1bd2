"""Key paths out of JSON, YAML, TOML and INI text, including a hunk fragment under its heading."""

from __future__ import annotations

from reviewer.scope.lex.keys import Pair, ini_pairs, json_pairs, toml_pairs, yaml_pairs


def _rows(text: str) -> list[tuple[int | None, str]]:
    return [(i, line) for i, line in enumerate(text.split("\n"), 1)]


def _flat(pairs: list[Pair]) -> list[tuple[int, str, str | None]]:
    return [(p.line, ".".join(p.path), p.value) for p in pairs]


def test_json_pairs() -> None:
    text = '{\n  "a": {"b": 1, "c": [true, {"d": "x"}]},\n  // comment\n  "e": "f"\n}'
    assert _flat(list(json_pairs(_rows(text)))) == [
        (2, "a", None),
        (2, "a.b", "1"),
        (2, "a.c", None),
        (2, "a.c.[]", "true"),
        (2, "a.c.[].d", "x"),
        (4, "e", "f"),
    ]


def test_yaml_pairs_with_lists_block_scalars_and_a_fragment_heading() -> None:
    text = "features:\n  search:\n    enabled: true  # on\n  list:\n    - a\n    - name: b\n      on: 'yes'\nscript: |\n  rm: -rf\nttl: 30"
    assert _flat(list(yaml_pairs(_rows(text)))) == [
        (1, "features", None),
        (2, "features.search", None),
        (3, "features.search.enabled", "true"),
        (4, "features.list", None),
        (5, "features.list.[]", "a"),
        (6, "features.list.[].name", "b"),
        (7, "features.list.[].on", "yes"),
        (8, "script", "|"),
        (10, "ttl", "30"),
    ]
    # a hunk fragment: the heading row (line None) gives the enclosing key
    fragment = [(None, "cache:"), (12, "  ttl: 60"), (13, "  size: 100")]
    assert _flat(list(yaml_pairs(fragment))) == [(12, "cache.ttl", "60"), (13, "cache.size", "100")]


def test_toml_and_ini_pairs() -> None:
    toml = '[server]\nport = 8080 # http\n[flags]\n"new.ui" = true\nlist = [\n  "a",\n  "b",\n]\n'
    assert _flat(list(toml_pairs(_rows(toml)))) == [
        (2, "server.port", "8080"),
        (4, "flags.new.ui", "true"),
        (5, "flags.list", None),
        (6, "flags.list.[]", "a"),
        (7, "flags.list.[]", "b"),
    ]
    ini = (
        "[db]\nhost = localhost\ntimeout: 30\n; comment\nhosts =\n    a\n    b\nexport TOKEN=abc\n"
    )
    assert _flat(list(ini_pairs(_rows(ini)))) == [
        (2, "db.host", "localhost"),
        (3, "db.timeout", "30"),
        (5, "db.hosts", None),
        (6, "db.hosts.[]", "a"),
        (7, "db.hosts.[]", "b"),
        (8, "db.TOKEN", "abc"),
    ]
