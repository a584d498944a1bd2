"""A Terraform variable's type change breaks callers only when a value that fitted no longer does."""

from __future__ import annotations

import pytest

from reviewer.scope.terraform.types import parse_type, type_change
from tests.helpers import scope_both

OBJ = "object({\n    encrypted = optional(bool)\n    size      = optional(number)\n  })"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("list(string)", "list(any)"),
        ("list(any)", "any"),
        ("number", "string"),  # numbers convert to strings
        (OBJ, OBJ.replace("  })", "    rate = optional(number)\n  })")),
        ("object({ a = string })", "object({ a = optional(string) })"),
        (
            "map(object({ a = string }))",
            "map(object({ a = string, b = optional(list(string), []) }))",
        ),
        ("tuple([string, number])", "tuple([string, any])"),
    ],
)
def test_a_type_that_takes_every_old_value_widens(old: str, new: str) -> None:
    assert type_change(old, new) == "widens"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("string", "bool"),
        ("any", "list(string)"),
        ("list(string)", "set(string)"),
        ("object({ a = string })", "object({ a = string, b = string })"),  # a new required one
        ("object({ a = optional(string) })", "object({ a = string })"),  # made required
        ("object({ a = string, b = string })", "object({ a = string })"),  # dropped
        ('object({ t = optional(string, "gp2") })', 'object({ t = optional(string, "gp3") })'),
        ("list(number)", "list(bool)"),
    ],
)
def test_a_type_that_refuses_an_old_value_does_not_widen(old: str, new: str) -> None:
    assert type_change(old, new) == "other"


def test_what_is_not_a_type_is_not_judged() -> None:
    assert parse_type("var.x ? 1 : 2") is None
    assert type_change("list(string)", "list(string") is not None  # a hunk may end inside a type
    assert type_change("string", "custom(thing)") is None


def test_one_type_written_differently_is_the_same_type() -> None:
    assert type_change("map(string)", "map( string )") == "same"
    assert (
        type_change("object({ a = string, b = number })", "object({\n b = number\n a = string\n})")
        == "same"
    )
    assert type_change("map(string)", "map(number)") != "same"


def _variable(type_: str) -> str:
    return f'variable "cpu_options" {{\n  description = "CPU"\n  type = {type_}\n  default = null\n}}\n'


def test_an_optional_attribute_added_to_a_variable_is_a_low_widening() -> None:
    # the attributes realigned around the new one, as `terraform fmt` writes them
    wider = (
        "object({\n    encrypted              = optional(bool)\n    size                   = "
        "optional(number)\n    initialization_rate    = optional(number)\n  })"
    )
    old, new = _variable(OBJ), _variable(wider)
    for scope in scope_both("variables.tf", old, new):
        codes = {(s.code, s.severity) for s in scope.signals}
        assert ("tf.variable_type_widened", "low") in codes
        assert not any(c == "tf.variable_type" for c, _ in codes)


def test_a_narrowed_variable_type_is_still_a_public_api_change() -> None:
    for scope in scope_both("variables.tf", _variable("string"), _variable("bool")):
        assert ("tf.variable_type", "medium") in {(s.code, s.severity) for s in scope.signals}


def test_a_realigned_type_is_no_change_of_type() -> None:
    old = 'variable "tags" {\n  type        = map(string)\n  default = {}\n}\n'
    new = 'variable "tags" {\n  type = map(string)\n  default = {}\n}\n'
    for scope in scope_both("variables.tf", old, new):
        assert not {s.code for s in scope.signals} & {
            "tf.variable_type",
            "tf.variable_type_widened",
        }
