"""The tables of attributes that force replacement: well formed, and every entry read by its analyzer."""

from __future__ import annotations

import re

import pytest

from reviewer.models import FileScope
from reviewer.scope.forcing import CLOUDFORMATION, KUBERNETES, TERRAFORM, ForcingAttributes
from tests.helpers import scope_both

TABLES = {"terraform": TERRAFORM, "cloudformation": CLOUDFORMATION, "kubernetes": KUBERNETES}
_ATTRIBUTE_RE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(\.\*)?$")


@pytest.mark.parametrize("name", TABLES)
def test_tables_are_well_formed(name: str) -> None:
    table = TABLES[name]
    assert table.reason
    assert table.by_type or table.unlisted
    for rtype, attrs in table.by_type.items():
        assert rtype and attrs, rtype
    for attr in {a for attrs in table.by_type.values() for a in attrs} | table.unlisted:
        assert _ATTRIBUTE_RE.match(attr), attr


def test_a_type_the_table_does_not_list_gets_the_unlisted_attributes() -> None:
    table = ForcingAttributes(
        reason="test", by_type={"a": frozenset({"x"})}, unlisted=frozenset({"y"})
    )
    assert table.attributes("a") == {"x"}
    assert table.attributes("b") == table.attributes("") == {"y"}
    assert TERRAFORM.attributes("aws_not_listed") == frozenset()


def _force_new(fs: FileScope) -> set[str]:
    found = set()
    for s in fs.signals:
        if s.code == "tf.force_new_attribute":
            assert s.severity == "high", s
            found.add(s.detail.split("`")[1])
    return found


@pytest.mark.parametrize("rtype", sorted(TERRAFORM.by_type))
def test_every_terraform_entry_forces_replacement(rtype: str) -> None:
    attrs = sorted(TERRAFORM.by_type[rtype])
    top = [a for a in attrs if not a.endswith(".*")]
    nested = [a.removesuffix(".*") for a in attrs if a.endswith(".*")]

    def block(value: str) -> str:
        body = "".join(f'  {a} = "{value}"\n' for a in top)
        body += "".join(f'  {n} {{\n    setting = "{value}"\n  }}\n' for n in nested)
        return f'resource "{rtype}" "this" {{\n{body}}}\n'

    expected = set(top) | {f"{n}.setting" for n in nested}
    for fs in scope_both("main.tf", block("a"), block("b")):
        assert _force_new(fs) == expected


def _template(rtype: str, props: list[str], value: str) -> str:
    body = "".join(f"      {p}: {value}\n" for p in props)
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Thing:\n"
        f"    Type: {rtype}\n    Properties:\n{body}"
    )


@pytest.mark.parametrize("rtype", sorted(CLOUDFORMATION.by_type))
def test_every_cloudformation_entry_forces_replacement(rtype: str) -> None:
    props = sorted(CLOUDFORMATION.by_type[rtype])
    for fs in scope_both("stack.yaml", _template(rtype, props, "a"), _template(rtype, props, "b")):
        found = {s.detail.split("`")[1] for s in fs.signals if s.code == "cfn.replacement"}
        assert found == set(props)


def test_a_cloudformation_type_not_listed_gets_the_unlisted_properties() -> None:
    props = ["BucketName", "Description"]
    old, new = (_template("AWS::Made::Up", props, v) for v in ("a", "b"))
    for fs in scope_both("stack.yaml", old, new):
        found = {s.detail.split("`")[1] for s in fs.signals if s.code == "cfn.replacement"}
        assert found == {"BucketName"}


@pytest.mark.parametrize("path", sorted(KUBERNETES.unlisted))
def test_every_kubernetes_entry_forces_replacement(path: str) -> None:
    *parents, leaf = path.split(".")

    def manifest(value: str) -> str:
        text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n"
        for depth, key in enumerate(parents):
            text += "  " * depth + key + ":\n"
        return text + "  " * len(parents) + f"{leaf}:\n" + "  " * len(parents) + f"  app: {value}\n"

    code = "k8s.selector_changed" if ".selector." in path else "k8s.immutable_field"
    for fs in scope_both("k8s/db.yaml", manifest("a"), manifest("b")):
        assert {(s.code, s.severity) for s in fs.signals} == {(code, "high")}
