"""Go: functions, methods by receiver type, types, package variables and constants, imports."""

from __future__ import annotations

import re
import weakref
from typing import TYPE_CHECKING

from ..rx import lazy
from .code import SENTINEL, CodeSpec, FragmentSyntax, analyzer, repair_fragment
from .engine import FileContext, Segment, text_of

if TYPE_CHECKING:
    from tree_sitter import Node

_RECEIVER_TYPE = lazy(r"[A-Za-z_]\w*")
_PACKAGE_MAIN = lazy(r"^package[ \t]+main\b", re.M)

#: whether a file is ``package main`` (nothing in it can be imported)
_MAIN: weakref.WeakKeyDictionary[FileContext, bool] = weakref.WeakKeyDictionary()


def _receiver(node: Node) -> str | None:
    if node.type != "method_declaration":
        return None
    recv = node.child_by_field_name("receiver")
    if recv is None:
        return None
    for param in recv.named_children:
        if param.type == "parameter_declaration":
            typ = param.child_by_field_name("type")
            # `*Server`, `Server[T]`, `*Server[K, V]`: the named type is the first identifier
            m = _RECEIVER_TYPE.search(text_of(typ))
            return m.group(0) if m else None
    return None


def _package_main(ctx: FileContext) -> bool:
    known = _MAIN.get(ctx)
    if known is None:
        if ctx.full:
            sources = (ctx.old_source, ctx.new_source)
            known = any(s is not None and _PACKAGE_MAIN.search(s[:100_000]) for s in sources)
        else:
            # the package clause is in the diff when a hunk starts near the top of the file
            known = any(
                _PACKAGE_MAIN.match(h.section)
                or any(_PACKAGE_MAIN.match(line[1:]) for line in h.lines[:40])
                for h in ctx.fd.hunks
            )
        _MAIN[ctx] = known
    return known


def _public(node: Node, name: str, spec: CodeSpec, ctx: FileContext) -> bool | None:
    if _package_main(ctx):
        return False  # a command: nothing in it can be imported
    recv = _receiver(node)
    if recv is not None and not recv[:1].isupper():
        return False  # a method of an unexported type: no other package can name it
    return name.rsplit(".", 1)[-1][:1].isupper()


def _accept(node: Node, kind: str) -> bool:
    # struct and interface types are captured by their own patterns
    if node.type == "type_spec":
        typ = node.child_by_field_name("type")
        return typ is None or typ.type not in ("struct_type", "interface_type")
    return True


SYNTAX = FragmentSyntax(
    closer=lazy(r"[})\]]"),
    header=lazy(r"(func|type)\b"),
    container=None,
    function_open=f"func {SENTINEL}() {{",
    method_open=f"func {SENTINEL}() {{",
    callback_open=f"{SENTINEL}(func() {{",
)


def _fragment(seg: Segment) -> Segment:
    return repair_fragment(seg, SYNTAX)


SPEC = CodeSpec(
    grammar="go",
    definitions="""
        (function_declaration name: (identifier) @name) @def
        (method_declaration name: (field_identifier) @name) @def
        (type_spec name: (type_identifier) @name type: (struct_type) @def)
        (type_spec name: (type_identifier) @name type: (interface_type) @def)
        (type_spec name: (type_identifier) @name) @def
        (type_alias name: (type_identifier) @name) @def
        (method_elem name: (field_identifier) @name) @def
        (source_file (var_declaration (var_spec name: (identifier) @name) @def))
        (source_file (var_declaration (var_spec_list (var_spec name: (identifier) @name) @def)))
        (source_file (const_declaration (const_spec name: (identifier) @name) @def))
    """,
    kinds={
        "function_declaration": "function",
        "method_declaration": "method",
        "struct_type": "struct",
        "interface_type": "interface",
        "type_spec": "type",
        "type_alias": "type",
        "method_elem": "method",
        "var_spec": "variable",
        "const_spec": "constant",
    },
    # interface methods are qualified by their interface
    containers=frozenset({"interface_type"}),
    functions=frozenset({"function_declaration", "method_declaration", "func_literal"}),
    wrappers=frozenset({"type_spec", "type_declaration", "var_declaration", "const_declaration"}),
    # a variable's signature is its name and type; its value is its body
    body_fields=("body", "value"),
    comments="(comment) @c",
    strings="""
        (interpreted_string_literal) @s
        (raw_string_literal) @s
        (rune_literal) @s
    """,
    imports="(import_spec) @import",
    is_public=_public,
    container_name=lambda node: _interface_name(node),
    qualifier=_receiver,
    accept=_accept,
    fragment=_fragment,
    drop_local=True,
    ranged=True,
    # a Go file is not a package: deleting one is reported by what it defined
    extra={"module_is_api": False},
)


def _interface_name(node: Node) -> str:
    parent = node.parent
    return text_of(parent.child_by_field_name("name")) if parent is not None else ""


analyze = analyzer(SPEC)
