"""Policy configuration: defaults, both file forms, strict validation."""

from __future__ import annotations

import pytest

from reviewer.config import DEFAULT_IGNORE, Config, glob_match, load_from_texts, load_text
from reviewer.errors import ConfigError


def test_defaults_are_safe() -> None:
    cfg = load_from_texts(None, None)
    assert cfg == Config()
    assert cfg.fail_on == "mismatch" and cfg.ignore == DEFAULT_IGNORE
    assert cfg.ignored("vendor/lib/x.go") and not cfg.ignored("src/x.go")


def test_reviewer_toml_and_pyproject_table() -> None:
    text = """
fail_on = "high"
ignore = ["gen/**"]
protected = ["aws_db_instance.*"]
[critical_paths]
"environments/prod/**" = "critical"
[rules]
ignore = ["RV102"]
[[questions]]
when = "resource_deletion"
text = "Who approved deleting {symbol}?"
[llm]
model = "local-model"
max_input_tokens = 8000
"""
    cfg = load_text(text, source=".reviewer.toml")
    assert cfg.fail_on == "high" and cfg.ignore == ("gen/**",)
    assert cfg.critical_level("environments/prod/vpc/main.tf").level == "critical"  # type: ignore[union-attr]
    assert not cfg.rule_enabled("RV102") and cfg.rule_enabled("RV201")
    assert cfg.is_protected("aws_db_instance.main")
    assert cfg.llm.model == "local-model" and cfg.llm.max_input_tokens == 8000
    py = load_text('[tool.reviewer]\nfail_on = "never"\n', source="pyproject.toml", pyproject=True)
    assert py.fail_on == "never"
    assert load_text("[project]\nname='x'\n", source="pyproject.toml", pyproject=True) == Config()
    assert load_from_texts('fail_on = "drift"', "x = 1").fail_on == "drift"


@pytest.mark.parametrize(
    "text, message",
    [
        ("fail_on = 'sometimes'", "fail_on must be one of"),
        ("colour = 1", "unknown key 'colour'"),
        ("ignore = 'x'", "ignore must be a list of strings"),
        ("[critical_paths]\n'a/**' = 'extreme'", "level must be one of"),
        ("[rules]\npick = []", "unknown key rules.pick"),
        ("[[questions]]\nwhen = 'RV1'", "each question needs"),
        ("[llm]\nmax_input_tokens = -1", "must be positive"),
        ("[llm]\nmodel = 3", "wrong type"),
        ("not toml = = =", "not valid TOML"),
    ],
)
def test_invalid_config_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as exc:
        load_text(text, source=".reviewer.toml")
    assert "\n" not in str(exc.value).strip()
    assert str(exc.value).startswith(".reviewer.toml:")


def test_globs() -> None:
    assert glob_match("a/b/c.tf", "**/*.tf")
    assert glob_match("c.tf", "*.tf")
    assert glob_match("a/b/c.tf", "*.tf")  # basename pattern anywhere, like .gitignore
    assert not glob_match("a/b/c.tf", "a/*.tf")
    assert glob_match("a/b/c.tf", "a/**")
    assert glob_match("environments/prod/x", "environments/prod/")
