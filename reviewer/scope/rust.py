"""Rust: functions, methods by impl type, traits, types, constants, modules, macros, `use`; `pub`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..record import replace
from ..rx import lazy
from .code import SENTINEL, CodeSpec, FragmentSyntax, analyzer, parents, repair_fragment
from .engine import FileContext, Partial, text_of

if TYPE_CHECKING:
    from tree_sitter import Node

_GENERICS = lazy(r"<[^<>]*>")
_TYPE_NAME = lazy(r"[A-Za-z_]\w*")
_CONTAINERS = frozenset({"impl_item", "trait_item", "mod_item"})


def _impl_type(node: Node) -> str:
    """``Foo`` for ``impl<T> Trait for foo::Foo<T>``: the type the impl block is for."""
    text = text_of(node.child_by_field_name("type"))
    for _ in range(4):
        stripped = _GENERICS.sub("", text)
        if stripped == text:
            break
        text = stripped
    names = _TYPE_NAME.findall(text.replace("dyn ", "").replace("mut ", ""))
    return names[-1] if names else ""


def _container_name(node: Node) -> str:
    if node.type == "impl_item":
        return _impl_type(node)
    return text_of(node.child_by_field_name("name"))


def _pub(node: Node) -> bool:
    # `pub(crate)`, `pub(super)`, `pub(in path)` reach no further than the crate
    return any(c.type == "visibility_modifier" and text_of(c) == "pub" for c in node.children)


def _binary(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name in ("main.rs", "build.rs") or "/bin/" in f"/{path}" or "/examples/" in f"/{path}"


def _public(node: Node, name: str, spec: CodeSpec, ctx: FileContext) -> bool | None:
    if _binary(ctx.path):
        return False  # a binary crate exports nothing
    own = _pub(node)
    for p in parents(node):
        if p.type == "impl_item":
            if p.child_by_field_name("trait") is not None:
                own = True  # a trait's methods are as public as the trait and the type
        elif p.type == "trait_item":
            own = _pub(p)
        elif p.type == "mod_item":
            if text_of(p.child_by_field_name("name")) != SENTINEL and not _pub(p):
                return False
        elif p.type in ("function_item", "closure_expression"):
            return False
    return own


SYNTAX = FragmentSyntax(
    closer=re.compile(r"[})\]]"),
    header=re.compile(
        r"#!?\[|(?:pub(?:\([^)]*\))?\s+)?(?:(?:async|const|unsafe|default|extern(?:\s+\"[^\"]*\")?)\s+)*"
        r"(?:fn|struct|enum|union|trait|type|const|static|impl|mod|macro_rules!)\b"
    ),
    container=re.compile(r"(?:pub(?:\([^)]*\))?\s+)?(?:unsafe\s+)?(?:impl|trait|mod)\b"),
    function_open=f"fn {SENTINEL}() {{",
    method_open=f"fn {SENTINEL}() {{",
    container_open=f"impl {SENTINEL} {{",
    callback_open=f"{SENTINEL}(|| {{",
)

SPEC = CodeSpec(
    grammar="rust",
    definitions="""
        (function_item name: (identifier) @name) @def
        (function_signature_item name: (identifier) @name) @def
        (struct_item name: (type_identifier) @name) @def
        (enum_item name: (type_identifier) @name) @def
        (union_item name: (type_identifier) @name) @def
        (trait_item name: (type_identifier) @name) @def
        (type_item name: (type_identifier) @name) @def
        (const_item name: (identifier) @name) @def
        (static_item name: (identifier) @name) @def
        (mod_item name: (identifier) @name body: (_)) @def
        (macro_definition name: (identifier) @name) @def
    """,
    kinds={
        "function_item": "function",
        "function_signature_item": "function",
        "struct_item": "struct",
        "enum_item": "enum",
        "union_item": "struct",
        "trait_item": "trait",
        "type_item": "type",
        "const_item": "constant",
        "static_item": "variable",
        "mod_item": "module",
        "macro_definition": "macro",
    },
    containers=_CONTAINERS,
    namespaces=frozenset({"mod_item"}),
    functions=frozenset({"function_item", "closure_expression", "const_block"}),
    leading=frozenset({"attribute_item"}),
    body_fields=("body", "value"),
    comments="(line_comment) @c\n(block_comment) @c",
    strings="(string_literal) @s\n(raw_string_literal) @s\n(char_literal) @s",
    imports="""
        (use_declaration) @import
        (extern_crate_declaration) @import
        (mod_item !body) @import
    """,
    is_public=_public,
    container_name=_container_name,
    fragment=lambda seg: repair_fragment(seg, SYNTAX),
    drop_local=True,
    ranged=True,
    extra={"module_is_api": True},
)

_LIBRARY = analyzer(SPEC)
_BINARY = analyzer(replace(SPEC, extra={"module_is_api": False}))


def analyze(ctx: FileContext) -> Partial:
    return (_BINARY if _binary(ctx.path) else _LIBRARY)(ctx)
