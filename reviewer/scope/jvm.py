"""Java and Kotlin: classes (nested too), methods, fields and properties, imports, visibility."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .code import SENTINEL, CodeSpec, FragmentSyntax, analyzer, parents, repair_fragment
from .engine import FileContext, Partial, text_of

if TYPE_CHECKING:
    from tree_sitter import Node

# --- Java ------------------------------------------------------------------------------------

_JAVA_TYPES = frozenset(
    {
        "class_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
        "annotation_type_declaration",
    }
)
_JAVA_INTERFACES = frozenset({"interface_declaration", "annotation_type_declaration"})


def _java_modifiers(node: Node) -> set[str]:
    decl = node.parent if node.type == "variable_declarator" and node.parent is not None else node
    for child in decl.children:
        if child.type == "modifiers":
            return {
                text_of(c) for c in child.children if not c.is_named or c.type.endswith("modifier")
            }
    return set()


def _java_owner(node: Node) -> Node | None:
    return next((p for p in parents(node) if p.type in _JAVA_TYPES), None)


def _java_public(node: Node, name: str, spec: CodeSpec, ctx: FileContext) -> bool | None:
    """Public or protected, and so is every class around it (interface members are public)."""
    current: Node | None = node
    for _ in range(32):
        if current is None:
            break
        owner = _java_owner(current)
        mods = _java_modifiers(current)
        if owner is not None and owner.type in _JAVA_INTERFACES:
            own = "private" not in mods
        else:
            own = "public" in mods or "protected" in mods
        if not own:
            return False
        if owner is not None and text_of(owner.child_by_field_name("name")) == SENTINEL:
            return True  # a class the hunk does not show: its members' own word counts
        current = owner
    return True


_JAVA_MODS = r"(?:public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)"
_JAVA_ANN = r"(?:@[\w.]+(?:\([^)]*\))?\s+)*"
JAVA_SYNTAX = FragmentSyntax(
    closer=re.compile(r"[})\]]"),
    header=re.compile(
        _JAVA_ANN + r"(?:"
        rf"(?:{_JAVA_MODS}\s+)*(?:class|interface|enum|record|@interface)\s+\w+"
        r"|(?:(?:public|protected|private|static|final|abstract|synchronized|native|default)\s+)*"
        r"(?:<[^>]*>\s*)?(?!(?:return|throw|new|else|case|yield|await|assert)\b)"
        r"[\w.<>\[\]?, ]+\s+\w+\s*\((?!.*->)[^;]*$"
        # a local variable can be final too: a field needs one more modifier
        r"|(?:final\s+)?(?:(?:public|protected|private|static|transient|volatile)\s+)+(?:final\s+)?"
        r"[\w.<>\[\]?, ]+\s+\w+\s*[=;]"
        r"|@[\w.]+(?:\(.*\))?\s*$)"
    ),
    container=re.compile(
        _JAVA_ANN + rf"(?:{_JAVA_MODS}\s+)*(?:class|interface|enum|record|@interface)\s+\w+"
    ),
    function_open=f"class {SENTINEL} {{ void {SENTINEL}() {{",
    method_open=f"void {SENTINEL}() {{",
    container_open=f"class {SENTINEL} {{",
    callback_open=f"{SENTINEL}(() -> {{",
)

JAVA = CodeSpec(
    grammar="java",
    definitions="""
        (class_declaration name: (identifier) @name) @def
        (interface_declaration name: (identifier) @name) @def
        (enum_declaration name: (identifier) @name) @def
        (record_declaration name: (identifier) @name) @def
        (annotation_type_declaration name: (identifier) @name) @def
        (method_declaration name: (identifier) @name) @def
        (constructor_declaration name: (identifier) @name) @def
        (compact_constructor_declaration name: (identifier) @name) @def
        (annotation_type_element_declaration name: (identifier) @name) @def
        (field_declaration declarator: (variable_declarator name: (identifier) @name) @def)
        (constant_declaration declarator: (variable_declarator name: (identifier) @name) @def)
    """,
    kinds={
        "class_declaration": "class",
        "interface_declaration": "interface",
        "enum_declaration": "enum",
        "record_declaration": "record",
        "annotation_type_declaration": "interface",
        "method_declaration": "method",
        "constructor_declaration": "method",
        "compact_constructor_declaration": "method",
        "annotation_type_element_declaration": "method",
        "variable_declarator": "field",
    },
    containers=_JAVA_TYPES,
    functions=frozenset(
        {
            "method_declaration",
            "constructor_declaration",
            "compact_constructor_declaration",
            "lambda_expression",
            "object_creation_expression",
            "static_initializer",
            "block",
        }
    ),
    wrappers=frozenset({"field_declaration", "constant_declaration"}),
    body_fields=("body", "value"),
    comments="(line_comment) @c\n(block_comment) @c",
    strings="(string_literal) @s\n(character_literal) @s",
    imports="(import_declaration) @import",
    is_public=_java_public,
    fragment=lambda seg: repair_fragment(seg, JAVA_SYNTAX),
    drop_local=True,
    ranged=True,
    # a file's public class is reported by its own symbols when the file is deleted
    extra={"module_is_api": False},
)

# --- Kotlin ----------------------------------------------------------------------------------

_KT_TYPES = frozenset({"class_declaration", "object_declaration", "companion_object"})


def _kt_name(node: Node) -> str:
    if node.type == "companion_object":
        name = node.child_by_field_name("name")
        return text_of(name) if name is not None else "Companion"
    return text_of(node).strip()


def _kt_container_name(node: Node) -> str:
    if node.type == "companion_object":
        return _kt_name(node)
    return text_of(node.child_by_field_name("name"))


def _kt_kind(node: Node, kind: str) -> str:
    if node.type == "class_declaration":
        for child in node.children:
            if child.type == "interface":
                return "interface"
            if child.type == "modifiers" and "enum" in text_of(child).split():
                return "enum"
    if (
        node.type == "property_declaration"
        and node.parent is not None
        and node.parent.type == "source_file"
    ):
        return "variable"
    return kind


def _kt_hidden(node: Node) -> bool:
    for child in node.children:
        if child.type == "modifiers":
            for mod in child.children:
                if mod.type == "visibility_modifier" and text_of(mod) in ("private", "internal"):
                    return True
    return False


def _kt_public(node: Node, name: str, spec: CodeSpec, ctx: FileContext) -> bool | None:
    if _kt_hidden(node):
        return False
    return not any(p.type in _KT_TYPES and _kt_hidden(p) for p in parents(node))


_KT_MODS = (
    r"(?:(?:public|private|protected|internal|open|abstract|sealed|data|enum|inner|value|"
    r"annotation|final|override|expect|actual|const|lateinit|suspend|inline|operator|infix|"
    r"tailrec|external)\s+)*"
)
KOTLIN_SYNTAX = FragmentSyntax(
    closer=re.compile(r"[})\]]"),
    header=re.compile(
        r"(?:@[\w.]+(?:\([^)]*\))?\s+)*"
        + _KT_MODS
        + r"(?:class\b|interface\b|object\b|companion\s+object\b|fun\b|typealias\b"
        r"|(?:val|var)\b(?=.*(?:[:=]|by\b)))|@[\w.]+(?:\(.*\))?\s*$"
    ),
    container=re.compile(
        r"(?:@[\w.]+(?:\([^)]*\))?\s+)*" + _KT_MODS + r"(?:class|interface|object)\s+\w+"
        r"|(?:" + _KT_MODS + r")companion\s+object\b"
    ),
    function_open=f"fun {SENTINEL}() {{",
    method_open=f"fun {SENTINEL}() {{",
    container_open=f"class {SENTINEL} {{",
    callback_open=f"{SENTINEL}({{",
)

KOTLIN = CodeSpec(
    grammar="kotlin",
    definitions="""
        (class_declaration name: (_) @name) @def
        (object_declaration name: (_) @name) @def
        (companion_object) @def @name
        (function_declaration name: (_) @name) @def
        (property_declaration (variable_declaration (identifier) @name)) @def
        (type_alias type: (identifier) @name) @def
    """,
    kinds={
        "class_declaration": "class",
        "object_declaration": "object",
        "companion_object": "object",
        "function_declaration": "function",
        "property_declaration": "property",
        "type_alias": "type",
    },
    containers=_KT_TYPES,
    functions=frozenset(
        {
            "function_declaration",
            "anonymous_function",
            "lambda_literal",
            "object_literal",
            "getter",
            "setter",
            "anonymous_initializer",
            "secondary_constructor",
        }
    ),
    body_types=frozenset({"function_body", "class_body", "enum_class_body"}),
    comments="(line_comment) @c\n(block_comment) @c",
    strings="(string_literal) @s\n(character_literal) @s",
    imports="(import) @import",
    is_public=_kt_public,
    container_name=_kt_container_name,
    name_of=_kt_name,
    kind_of=_kt_kind,
    fragment=lambda seg: repair_fragment(seg, KOTLIN_SYNTAX),
    drop_local=True,
    ranged=True,
    extra={"module_is_api": False},
)

_ANALYZERS = {"java": analyzer(JAVA), "kotlin": analyzer(KOTLIN)}


def analyze(ctx: FileContext) -> Partial:
    return _ANALYZERS.get(ctx.language, _ANALYZERS["java"])(ctx)
