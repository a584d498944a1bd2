"""JavaScript, JSX, TypeScript and TSX: functions, classes and members, types, exports, imports."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from ..models import PUBLIC_API, Side, Signal, Symbol
from ..rx import lazy
from . import grammars
from .code import (
    SENTINEL,
    CodeSpec,
    FragmentSyntax,
    analyzer,
    parents,
    repair_fragment,
    spec_trees,
)
from .engine import FileContext, Partial, Segment, text_of
from .grammars import QueryCursor

if TYPE_CHECKING:
    from tree_sitter import Node

_FUNCTION_VALUES = frozenset(
    {"arrow_function", "function_expression", "function", "generator_function", "class"}
)
_MEMBERS = frozenset(
    {
        "method_definition",
        "field_definition",
        "public_field_definition",
        "method_signature",
        "abstract_method_signature",
        "property_signature",
    }
)
_CONTAINERS = frozenset(
    {
        "class_declaration",
        "class",
        "abstract_class_declaration",
        "interface_declaration",
        "internal_module",
    }
)
_EXPORTS_RE = lazy(r"^(module\.)?exports$")

_COMMON = """
    (function_declaration name: (identifier) @name) @def
    (generator_function_declaration name: (identifier) @name) @def
    (class_declaration name: (_) @name) @def
    (method_definition name: (_) @name) @def
    (variable_declarator name: (identifier) @name
        value: [(arrow_function) (function_expression) (generator_function) (class)] @def)
    (program (lexical_declaration (variable_declarator name: (identifier) @name) @def))
    (program (variable_declaration (variable_declarator name: (identifier) @name) @def))
    (program (export_statement
        declaration: (lexical_declaration (variable_declarator name: (identifier) @name) @def)))
    (program (export_statement
        declaration: (variable_declaration (variable_declarator name: (identifier) @name) @def)))
    (expression_statement (assignment_expression
        left: (member_expression object: (_) @obj property: (property_identifier) @name)
        right: [(arrow_function) (function_expression) (class)] @def)
        (#match? @obj "^(module[.])?exports$"))
"""

_JS_DEFS = (
    _COMMON
    + """
    (field_definition property: (_) @name) @def
"""
)

_TS_DEFS = (
    _COMMON
    + """
    (public_field_definition name: (_) @name) @def
    (abstract_class_declaration name: (_) @name) @def
    (interface_declaration name: (_) @name) @def
    (type_alias_declaration name: (_) @name) @def
    (enum_declaration name: (_) @name) @def
    (function_signature name: (_) @name) @def
    (method_signature name: (_) @name) @def
    (abstract_method_signature name: (_) @name) @def
    (internal_module name: (identifier) @name) @def
"""
)

_KINDS = {
    "function_declaration": "function",
    "generator_function_declaration": "function",
    "arrow_function": "function",
    "function_expression": "function",
    "function": "function",
    "generator_function": "function",
    "function_signature": "function",
    "class_declaration": "class",
    "abstract_class_declaration": "class",
    "class": "class",
    "method_definition": "method",
    "method_signature": "method",
    "abstract_method_signature": "method",
    "variable_declarator": "variable",
    "field_definition": "field",
    "public_field_definition": "field",
    "interface_declaration": "interface",
    "type_alias_declaration": "type",
    "enum_declaration": "enum",
    "internal_module": "namespace",
}

_IMPORTS = """
    (import_statement) @import
    (program (lexical_declaration (variable_declarator
        value: (call_expression function: (identifier) @_req (#eq? @_req "require")))) @import)
    (program (variable_declaration (variable_declarator
        value: (call_expression function: (identifier) @_req (#eq? @_req "require")))) @import)
    (program (expression_statement
        (call_expression function: (identifier) @_req (#eq? @_req "require"))) @import)
"""

_EXPORTED_NAMES = """
    (export_statement !source (export_clause (export_specifier name: (identifier) @n)))
    (export_statement value: (identifier) @n)
    (assignment_expression
        left: (member_expression object: (identifier) @_m property: (property_identifier) @_p)
        right: (identifier) @n
        (#eq? @_m "module") (#eq? @_p "exports"))
    (assignment_expression
        left: (member_expression object: (identifier) @_m property: (property_identifier) @_p)
        right: (object [(shorthand_property_identifier) @n (pair value: (identifier) @n)])
        (#eq? @_m "module") (#eq? @_p "exports"))
    (assignment_expression
        left: (member_expression object: (_) @_o property: (property_identifier))
        right: (identifier) @n
        (#match? @_o "^(module[.])?exports$"))
"""

#: export lists are top-level statements (a fragment may wrap them in one reopened block)
_EXPORT_DEPTH = 4

#: per file: the names its export clauses and CommonJS assignments export
_EXPORTS: weakref.WeakKeyDictionary[FileContext, frozenset[str]]
_EXPORTS = weakref.WeakKeyDictionary()


def _exported_names(grammar: str, ctx: FileContext, spec: CodeSpec) -> frozenset[str]:
    """Names the file's export lists and CommonJS assignments export, on either side."""
    names = _EXPORTS.get(ctx)
    if names is None:
        found: set[str] = set()
        query = grammars.query(grammar, _EXPORTED_NAMES)
        for side in ("old", "new"):
            for _seg, tree in spec_trees(ctx, side, spec):
                cursor = QueryCursor(query)
                cursor.set_max_start_depth(_EXPORT_DEPTH)  # export lists are module statements
                found.update(text_of(n) for n in cursor.captures(tree.root_node).get("n", []))
        names = _EXPORTS[ctx] = frozenset(found)
    return names


def _modifier_hides(node: Node) -> bool:
    for child in node.children:
        if child.type == "accessibility_modifier" and text_of(child) in ("private", "protected"):
            return True
    name = node.child_by_field_name("name") or node.child_by_field_name("property")
    return name is not None and name.type == "private_property_identifier"


def _is_exported(node: Node, name: str, spec: CodeSpec, ctx: FileContext) -> bool:
    if ctx.path.endswith((".d.ts", ".d.mts", ".d.cts")):
        return True  # a declaration file declares nothing but API
    for anc in parents(node, 8):
        if anc.type == "export_statement":
            return True
        if anc.type == "assignment_expression":
            left = anc.child_by_field_name("left")
            obj = left.child_by_field_name("object") if left is not None else None
            if obj is not None and _EXPORTS_RE.match(text_of(obj)):
                return True
        if anc.type in _CONTAINERS or anc.type == "program":
            break
    return name in _exported_names(spec.grammar, ctx, spec)


def _container_of(node: Node) -> Node | None:
    return next((p for p in parents(node) if p.type in _CONTAINERS), None)


def _public(node: Node, name: str, spec: CodeSpec, ctx: FileContext) -> bool | None:
    if node.type in _MEMBERS:
        if _modifier_hides(node) or name.startswith("#"):
            return False
        owner = _container_of(node)
        if owner is None or _container_name(owner) == SENTINEL:
            return None  # a class the hunk does not show
        node, name = owner, _container_name(owner)
    # exported, and so is every namespace around it (bounded: nesting depth is not)
    for _ in range(32):
        if not _is_exported(node, name, spec, ctx):
            return False
        outer = _container_of(node)
        if outer is None or outer.type != "internal_module":
            return True
        node, name = outer, _container_name(outer)
    return None


def _container_name(node: Node) -> str:
    name = node.child_by_field_name("name")
    if name is not None:
        return text_of(name)
    parent = node.parent  # `const Foo = class { ... }`
    if parent is not None and parent.type == "variable_declarator":
        return text_of(parent.child_by_field_name("name"))
    return ""


def _accept(node: Node, kind: str) -> bool:
    if node.type == "variable_declarator":
        value = node.child_by_field_name("value")
        if value is not None:
            if value.type in _FUNCTION_VALUES:
                return False  # captured as the function or class it holds
            if value.type == "call_expression" and text_of(
                value.child_by_field_name("function")
            ) in ("require", "import"):
                return False  # an import
        return True
    if node.type == "method_definition":
        # methods of object literals belong to the value they are part of
        parent = node.parent
        return parent is not None and parent.type == "class_body"
    return True


_MEMBER_RE = (
    r"(?:(?:static|async|get|set|public|private|protected|readonly|override|abstract|declare|"
    r"accessor)\s+)*\*?#?(?!(?:if|for|while|switch|catch|function|return|with)\b)[\w$]+\s*[?!]?"
    r"\s*(?:<[^>]*>)?\s*\(.*\)\s*(?::[^{]*)?\{\s*$"
    r"|(?:(?:static|public|private|protected|readonly|declare|override)\s+)+#?[\w$]+"
    r"|#?[\w$]+\s*[?!]?:\s*[^=;]+;\s*$"
    r"|@\w+"
)
SYNTAX = FragmentSyntax(
    closer=lazy(r"[})\]]"),
    member=lazy(_MEMBER_RE),
    header=lazy(
        r"(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?"
        r"(?:function\b|class\b|interface\b|enum\b|namespace\b|type\s+[\w$]+\s*[=<]"
        r"|(?:const|let|var)\s+[\w$]+\s*=)|" + _MEMBER_RE
    ),
    container=lazy(
        r"(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?"
        r"(?:class|interface|namespace)\s+[\w$.]+"
    ),
    function_open=f"function {SENTINEL}() {{",
    method_open=f"{SENTINEL}() {{",
    container_open=f"class {SENTINEL} {{",
    callback_open=f"{SENTINEL}(function () {{",
)


def _fragment(seg: Segment) -> Segment:
    return repair_fragment(seg, SYNTAX)


def _spec(grammar: str) -> CodeSpec:
    typescript = grammar != "javascript"
    jsx = grammar in ("javascript", "tsx")
    return CodeSpec(
        grammar=grammar,
        definitions=_TS_DEFS if typescript else _JS_DEFS,
        kinds=_KINDS,
        containers=_CONTAINERS,
        namespaces=frozenset({"internal_module"}),
        # a definition inside any of these is local: nested functions, object literal members
        functions=frozenset(
            {
                "function_declaration",
                "generator_function_declaration",
                "function_expression",
                "function",
                "generator_function",
                "arrow_function",
                "method_definition",
                "object",
                "class_static_block",
            }
        ),
        wrappers=frozenset(
            {
                "export_statement",
                "lexical_declaration",
                "variable_declaration",
                "variable_declarator",
                "assignment_expression",
                "expression_statement",
                "ambient_declaration",
            }
        ),
        body_fields=("body", "value"),
        comments="(comment) @c",
        strings="(string) @s\n(template_string) @s" + ("\n(jsx_text) @s" if jsx else ""),
        imports=_IMPORTS,
        is_public=_public,
        container_name=_container_name,
        accept=_accept,
        fragment=_fragment,
        drop_local=True,
        ranged=True,
        extra={"module_is_api": True},
    )


SPECS = {name: _spec(name) for name in ("javascript", "typescript", "tsx")}
_ANALYZERS = {name: analyzer(spec) for name, spec in SPECS.items()}


def _listed_exports(ctx: FileContext, side: Side, spec: CodeSpec) -> set[str]:
    """Names that export lists (``export { a }``, ``module.exports = { a }``) name on changed lines."""
    changed = ctx.changed(side)
    out: set[str] = set()
    if not any("export" in text for text in changed.values()):
        return out  # a name leaves a list only where the list is edited
    query = grammars.query(spec.grammar, _EXPORTED_NAMES)
    for seg, tree in spec_trees(ctx, side, spec):
        cursor = QueryCursor(query)
        cursor.set_max_start_depth(_EXPORT_DEPTH)
        for node in cursor.captures(tree.root_node).get("n", []):
            if seg.line_of(node.start_point[0]) in changed:
                out.add(text_of(node))
    return out


def analyze(ctx: FileContext) -> Partial:
    spec = SPECS.get(ctx.language, SPECS["javascript"])
    part = _ANALYZERS[spec.grammar](ctx)
    if ctx.status in ("modified", "renamed") and ctx.role not in ("test", "example", "docs"):
        # a name dropped from an export list is an API removal even though its definition is intact
        dropped = _listed_exports(ctx, "old", spec) - _listed_exports(ctx, "new", spec)
        for name in sorted(dropped):
            part.symbols.append(Symbol("export", name, "deleted"))
            part.signals.append(
                Signal(
                    kind=PUBLIC_API,
                    code="js.export_removed",
                    detail=f"stops exporting `{name}`",
                    side="old",
                    symbol=name,
                    severity="medium",
                )
            )
    return part
