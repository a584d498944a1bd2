"""C, C++ and C#: functions, classes and members, types, macros, imports; API by header or access."""

from __future__ import annotations

import bisect
import re
import weakref
from typing import TYPE_CHECKING

from ..rx import lazy
from .code import SENTINEL, CodeSpec, FragmentSyntax, analyzer, parents, repair_fragment
from .engine import Definition, FileContext, Partial, Segment, text_of

if TYPE_CHECKING:
    from tree_sitter import Node

HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".h++", ".inl", ".ipp", ".tpp")
_CPP_MARKERS = lazy(
    r"^\s*(?:class\s+\w+\s*[:{]|namespace\s+\w*\s*\{|template\s*<|(?:public|private|protected)\s*:)"
    r"|\bstd::|\bvirtual\s",
    re.M,
)
_TEMPLATE_ARGS = lazy(r"<[^<>]*>")


def is_header(path: str) -> bool:
    return path.lower().endswith(HEADER_SUFFIXES)


# --- C and C++ ------------------------------------------------------------------------------

_CPP_CONTAINERS = frozenset({"class_specifier", "struct_specifier", "union_specifier"})


def _declarator_name(decl: Node | None) -> tuple[Node | None, bool]:
    """The name node a declarator chain ends in, and whether it declares a function."""
    node = decl
    function = False
    for _ in range(12):
        if node is None:
            return None, function
        if node.type == "function_declarator":
            function = True
        inner = node.child_by_field_name("declarator")
        if inner is None and node.type in ("reference_declarator", "init_declarator"):
            named = [c for c in node.named_children if c.type != "initializer_list"]
            inner = named[-1] if node.type == "reference_declarator" and named else inner
        if inner is None:
            if (
                node.type in ("parenthesized_declarator", "attributed_declarator")
                and node.named_children
            ):
                node = node.named_children[0]
                continue
            return node, function
        node = inner
    return None, function


def _c_name(node: Node) -> str:
    """The bare name of a captured declarator (``Foo::bar`` -> ``bar``)."""
    if node.type in ("type_identifier", "identifier", "field_identifier", "namespace_identifier"):
        return text_of(node)
    if node.type == "nested_namespace_specifier":
        return text_of(node).replace("::", ".")
    name, _function = _declarator_name(node)
    text = text_of(name).strip()
    if "::" in text:
        text = _TEMPLATE_ARGS.sub("", text).rsplit("::", 1)[-1]
    return text


def _c_scope(node: Node) -> str | None:
    """``Foo`` for a definition written as ``Foo::bar`` outside its class."""
    if node.type not in ("function_definition", "declaration"):
        return None
    name, _function = _declarator_name(node.child_by_field_name("declarator"))
    text = text_of(name)
    if "::" not in text:
        return None
    scope = _TEMPLATE_ARGS.sub("", _TEMPLATE_ARGS.sub("", text)).rsplit("::", 1)[0]
    return scope.replace("::", ".").strip() or None


def _c_kind(node: Node, kind: str) -> str:
    if node.type in ("declaration", "field_declaration"):
        _name, function = _declarator_name(node.child_by_field_name("declarator"))
        if function:
            return "function"
        return "field" if node.type == "field_declaration" else "variable"
    return kind


def _c_accept_source(node: Node, kind: str) -> bool:
    # in a source file a prototype is not a definition: the body below is
    return not (node.type in ("declaration", "field_declaration") and kind == "function")


#: per file: class body id -> [(byte, access)] of its access specifiers
_ACCESS: weakref.WeakKeyDictionary[FileContext, dict[int, tuple[list[int], list[str]]]]
_ACCESS = weakref.WeakKeyDictionary()


def _access(node: Node, owner: Node, ctx: FileContext) -> str:
    body = owner.child_by_field_name("body")
    default = "private" if owner.type == "class_specifier" else "public"
    if body is None:
        return default
    per_ctx = _ACCESS.get(ctx)
    if per_ctx is None:
        per_ctx = _ACCESS[ctx] = {}
    table = per_ctx.get(body.id)
    if table is None:
        marks = [
            (c.start_byte, text_of(c).strip())
            for c in body.children
            if c.type == "access_specifier"
        ]
        table = per_ctx[body.id] = ([b for b, _t in marks], [t for _b, t in marks])
    i = bisect.bisect_left(table[0], node.start_byte)
    return table[1][i - 1] if i > 0 else default


def _static(node: Node) -> bool:
    return any(
        c.type == "storage_class_specifier" and text_of(c) == "static" for c in node.children
    )


def _c_public(node: Node, name: str, spec: CodeSpec, ctx: FileContext) -> bool | None:
    if node.type == "namespace_definition":
        return None  # a name space, not an API of its own
    header = is_header(ctx.path)
    member = node
    for p in parents(node):
        if p.type in _CPP_CONTAINERS:
            if text_of(p.child_by_field_name("name")) == SENTINEL:
                return None  # a class the hunk does not show: its access sections are unknown
            if _access(member, p, ctx) not in ("public", "protected"):
                return False
            if not header:
                return True
            member = p  # in a header, the class itself must be reachable too
        elif p.type == "namespace_definition" and p.child_by_field_name("name") is None:
            return False  # anonymous namespace: this file only
    if header:
        return True
    if member is not node:
        return True
    if node.type in ("function_definition", "declaration"):
        return not _static(node)
    return False  # types and macros of a source file are its own


def _dedupe(seg: Segment, defs: list[Definition]) -> list[Definition]:
    """A member declared in its class and defined below: keep the definition, not a merged span."""
    by_key: dict[tuple[str, str], Definition] = {}
    out: list[Definition] = []
    for d in defs:
        seen = by_key.get(d.key)
        if seen is None:
            by_key[d.key] = d
            out.append(d)
            continue
        # overloads stay separate; a one-line declaration yields to the body
        if seen.end == seen.head and d.end > d.head:
            d.public = bool(d.public) or bool(seen.public)
            out[out.index(seen)] = d
            by_key[d.key] = d
        elif d.end == d.head and seen.end > seen.head:
            seen.public = bool(seen.public) or bool(d.public)
        else:
            out.append(d)
    return out


_C_DEFS = """
    (function_definition declarator: (_) @name) @def
    (struct_specifier name: (type_identifier) @name body: (_)) @def
    (union_specifier name: (type_identifier) @name body: (_)) @def
    (enum_specifier name: (type_identifier) @name body: (_)) @def
    (type_definition declarator: (type_identifier) @name) @def
    (preproc_def name: (identifier) @name) @def
    (preproc_function_def name: (identifier) @name) @def
    (declaration declarator: (_) @name) @def
"""
_CPP_DEFS = (
    _C_DEFS
    + """
    (namespace_definition name: (_) @name) @def
    (class_specifier name: (type_identifier) @name body: (_)) @def
    (alias_declaration name: (type_identifier) @name) @def
    (field_declaration_list (field_declaration declarator: (_) @name) @def)
"""
)
_C_KINDS = {
    "function_definition": "function",
    "declaration": "function",
    "field_declaration": "field",
    "struct_specifier": "struct",
    "union_specifier": "struct",
    "enum_specifier": "enum",
    "class_specifier": "class",
    "type_definition": "type",
    "alias_declaration": "type",
    "preproc_def": "macro",
    "preproc_function_def": "macro",
    "namespace_definition": "namespace",
}

_C_CONTROL = r"(?!(?:if|for|while|switch|return|else|do|case|sizeof|delete|new|throw|co_return)\b)"
_C_HEADER = re.compile(
    r"(?:template\s*<.*>\s*)?(?:class|struct|union|enum|namespace|typedef)\b"
    r"|(?:public|private|protected)\s*:"
    r"|#\s*define\b"
    r"|" + _C_CONTROL + r"(?:[\w:<>,*&~]+[ \t*&]+)+\*?[~\w:]+\s*\((?!.*=).*$"
)
_CPP_CONTAINER = re.compile(
    r"(?:template\s*<.*>\s*)?(?:class|struct|union)\s+[\w:]+(?![^;{]*;\s*$)"
)


def _c_syntax(cpp: bool) -> FragmentSyntax:
    return FragmentSyntax(
        closer=re.compile(r"[})\]]"),
        header=_C_HEADER,
        container=_CPP_CONTAINER,
        function_open=f"void {SENTINEL}(void) {{",
        method_open=f"void {SENTINEL}(void) {{",
        container_open=f"{'class' if cpp else 'struct'} {SENTINEL} {{",
        callback_open=f"{SENTINEL}([&] {{" if cpp else None,
        comment_prefixes=("//", "/*", "*", "#"),
    )


def _c_spec(grammar: str, header: bool) -> CodeSpec:
    cpp = grammar == "cpp"
    syntax = _c_syntax(cpp)
    return CodeSpec(
        grammar=grammar,
        definitions=_CPP_DEFS if cpp else _C_DEFS,
        kinds=_C_KINDS,
        containers=_CPP_CONTAINERS if cpp else frozenset(),
        functions=frozenset({"function_definition", "lambda_expression", "compound_statement"}),
        wrappers=frozenset({"template_declaration"}),
        # a macro's value and a function's body are not their signature
        body_fields=("body", "value"),
        comments="(comment) @c",
        strings="(string_literal) @s\n(char_literal) @s"
        + ("\n(raw_string_literal) @s" if cpp else ""),
        imports="(preproc_include) @import" + ("\n(using_declaration) @import" if cpp else ""),
        is_public=_c_public,
        name_of=_c_name,
        qualifier=_c_scope if cpp else None,
        kind_of=_c_kind,
        accept=None if header else _c_accept_source,
        refine=_dedupe,
        fragment=lambda seg: repair_fragment(seg, syntax),
        drop_local=True,
        ranged=True,
        extra={"module_is_api": header},
    )


# --- C# -------------------------------------------------------------------------------------

_CS_TYPES = frozenset(
    {
        "class_declaration",
        "struct_declaration",
        "interface_declaration",
        "record_declaration",
        "enum_declaration",
    }
)


def _cs_public(node: Node, name: str, spec: CodeSpec, ctx: FileContext) -> bool | None:
    """Public or protected, and so is every type around it (interface members are public)."""
    if node.type in ("namespace_declaration", "file_scoped_namespace_declaration"):
        return None  # a name space, not an API of its own
    current: Node | None = node
    for _ in range(32):
        if current is None:
            break
        mods = {text_of(c) for c in current.children if c.type == "modifier"}
        owner = next((p for p in parents(current) if p.type in _CS_TYPES), None)
        if owner is not None and owner.type == "interface_declaration":
            own = "private" not in mods
        else:
            own = ("public" in mods or "protected" in mods) and "private" not in mods
        if not own:
            return False
        if owner is not None and text_of(owner.child_by_field_name("name")) == SENTINEL:
            return True  # a class the hunk does not show: its members' own word counts
        current = owner
    return True


_CS_MODS = (
    r"(?:(?:public|private|protected|internal|static|readonly|virtual|override|abstract|sealed|"
    r"async|partial|extern|unsafe|new|const|volatile|required|file)\s+)"
)
CS_SYNTAX = FragmentSyntax(
    closer=re.compile(r"[})\]]"),
    header=re.compile(
        r"\[[\w.]+(?:\(.*\))?\]\s*$"
        rf"|{_CS_MODS}*(?:class|struct|interface|enum|record|namespace|delegate)\b"
        rf"|{_CS_MODS}+[\w.<>\[\]?, ]+\s+[\w.]+\s*(?:[({{=;]|$)"
        r"|(?!(?:return|throw|new|else|case|await|yield|var|using|lock|foreach|if|while|for|switch|catch)\b)"
        r"[\w.<>\[\]?]+\s+\w+\s*\([^;]*$"
    ),
    container=re.compile(rf"{_CS_MODS}*(?:class|struct|interface|record|namespace)\s+[\w.]+"),
    namespace=re.compile(r"namespace\b"),
    function_open=f"class {SENTINEL} {{ void {SENTINEL}() {{",
    method_open=f"void {SENTINEL}() {{",
    container_open=f"class {SENTINEL} {{",
    callback_open=f"{SENTINEL}(() => {{",
)

CSHARP = CodeSpec(
    grammar="c_sharp",
    definitions="""
        (class_declaration name: (identifier) @name) @def
        (struct_declaration name: (identifier) @name) @def
        (interface_declaration name: (identifier) @name) @def
        (enum_declaration name: (identifier) @name) @def
        (record_declaration name: (identifier) @name) @def
        (delegate_declaration name: (identifier) @name) @def
        (method_declaration name: (identifier) @name) @def
        (constructor_declaration name: (identifier) @name) @def
        (destructor_declaration name: (identifier) @name) @def
        (property_declaration name: (identifier) @name) @def
        (event_declaration name: (identifier) @name) @def
        (field_declaration (variable_declaration (variable_declarator name: (identifier) @name))) @def
        (namespace_declaration name: (_) @name) @def
        (file_scoped_namespace_declaration name: (_) @name) @def
    """,
    kinds={
        "class_declaration": "class",
        "struct_declaration": "struct",
        "interface_declaration": "interface",
        "enum_declaration": "enum",
        "record_declaration": "record",
        "delegate_declaration": "type",
        "method_declaration": "method",
        "constructor_declaration": "method",
        "destructor_declaration": "method",
        "property_declaration": "property",
        "event_declaration": "field",
        "field_declaration": "field",
        "namespace_declaration": "namespace",
        "file_scoped_namespace_declaration": "namespace",
    },
    containers=_CS_TYPES,
    functions=frozenset(
        {
            "method_declaration",
            "constructor_declaration",
            "destructor_declaration",
            "local_function_statement",
            "lambda_expression",
            "anonymous_method_expression",
            "accessor_declaration",
            "operator_declaration",
        }
    ),
    body_fields=("body", "accessors"),
    comments="(comment) @c",
    strings="""
        (string_literal) @s
        (verbatim_string_literal) @s
        (interpolated_string_expression) @s
        (raw_string_literal) @s
        (character_literal) @s
    """,
    imports="(using_directive) @import",
    is_public=_cs_public,
    fragment=lambda seg: repair_fragment(seg, CS_SYNTAX),
    drop_local=True,
    ranged=True,
    extra={"module_is_api": False},
)

SPECS: dict[tuple[str, bool], CodeSpec] = {
    (grammar, header): _c_spec(grammar, header)
    for grammar in ("c", "cpp")
    for header in (False, True)
}
_ANALYZERS = {key: analyzer(spec) for key, spec in SPECS.items()}
_CSHARP = analyzer(CSHARP)


def _looks_cpp(ctx: FileContext) -> bool:
    """A ``.h`` file may be C++: read its contents (or the diff) for C++-only syntax."""
    if ctx.full:
        texts = [s[:200_000] for s in (ctx.old_source, ctx.new_source) if s is not None]
    else:
        texts = ["\n".join(line[1:] for line in h.lines) for h in ctx.fd.hunks]
    return any(_CPP_MARKERS.search(t) for t in texts)


def analyze(ctx: FileContext) -> Partial:
    if ctx.language == "c_sharp":
        return _CSHARP(ctx)
    header = is_header(ctx.path)
    grammar = "cpp" if ctx.language == "cpp" or (header and _looks_cpp(ctx)) else "c"
    part = _ANALYZERS[(grammar, header)](ctx)
    if grammar != ctx.language:
        part.language = grammar
    return part
