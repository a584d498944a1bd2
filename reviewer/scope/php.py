"""PHP: functions, classes, interfaces, traits, enums, methods, properties, constants, `use`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .code import SENTINEL, CodeSpec, FragmentSyntax, analyzer, repair_fragment
from .engine import FileContext, text_of

if TYPE_CHECKING:
    from tree_sitter import Node

_CONTAINERS = frozenset(
    {"class_declaration", "interface_declaration", "trait_declaration", "enum_declaration"}
)


def _public(node: Node, name: str, spec: CodeSpec, ctx: FileContext) -> bool | None:
    for child in node.children:
        if child.type == "visibility_modifier" and text_of(child) in ("private", "protected"):
            return False
    return True


def _name(node: Node) -> str:
    return text_of(node).strip().lstrip("$")


_MODS = r"(?:(?:public|private|protected|static|abstract|final|readonly|var)\s+)"
SYNTAX = FragmentSyntax(
    closer=re.compile(r"[})\]]"),
    header=re.compile(
        r"(?:(?:abstract|final|readonly)\s+)*(?:class|interface|trait|enum)\s+\w+"
        rf"|{_MODS}+|function\b|const\b|#\[|use\s+[A-Z]"
    ),
    container=re.compile(
        r"(?:(?:abstract|final|readonly)\s+)*(?:class|interface|trait|enum)\s+\w+"
    ),
    function_open=f"function {SENTINEL}() {{",
    method_open=f"function {SENTINEL}() {{",
    container_open=f"class {SENTINEL} {{",
    callback_open=f"{SENTINEL}(function () {{",
    prefix="<?php",
    comment_prefixes=("//", "/*", "*", "#"),
)

SPEC = CodeSpec(
    grammar="php",
    definitions="""
        (function_definition name: (name) @name) @def
        (class_declaration name: (name) @name) @def
        (interface_declaration name: (name) @name) @def
        (trait_declaration name: (name) @name) @def
        (enum_declaration name: (name) @name) @def
        (method_declaration name: (name) @name) @def
        (property_declaration (property_element name: (variable_name) @name)) @def
        (const_declaration (const_element (name) @name)) @def
    """,
    kinds={
        "function_definition": "function",
        "class_declaration": "class",
        "interface_declaration": "interface",
        "trait_declaration": "trait",
        "enum_declaration": "enum",
        "method_declaration": "method",
        "property_declaration": "property",
        "const_declaration": "constant",
    },
    containers=_CONTAINERS,
    functions=frozenset(
        {
            "function_definition",
            "method_declaration",
            "anonymous_function",
            "anonymous_function_creation_expression",
            "arrow_function",
            "object_creation_expression",
        }
    ),
    comments="(comment) @c",
    strings="(string) @s\n(encapsed_string) @s\n(heredoc) @s\n(nowdoc) @s",
    imports="""
        (namespace_use_declaration) @import
        (include_expression) @import
        (include_once_expression) @import
        (require_expression) @import
        (require_once_expression) @import
    """,
    is_public=_public,
    name_of=_name,
    fragment=lambda seg: repair_fragment(seg, SYNTAX),
    drop_local=True,
    ranged=True,
    # a PHP file's classes and functions are reported by their own symbols when it is deleted
    extra={"module_is_api": False},
)

analyze = analyzer(SPEC)
