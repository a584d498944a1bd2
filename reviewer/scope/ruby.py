"""Ruby: classes and modules, methods (singleton too), constants, requires; `private` sections."""

from __future__ import annotations

import bisect
import re
import weakref
from typing import TYPE_CHECKING

from ..rx import lazy
from .code import SENTINEL, CodeSpec, FragmentSyntax, analyzer, repair_fragment
from .engine import FileContext, text_of

if TYPE_CHECKING:
    from tree_sitter import Node

_CONTAINERS = frozenset({"class", "module", "singleton_class"})
_VISIBILITY = frozenset({"private", "protected", "public", "module_function"})

#: per file: body id -> (bytes, words) of its bare `private` / `protected` / `public` lines
_SECTIONS: weakref.WeakKeyDictionary[FileContext, dict[int, tuple[list[int], list[str]]]]
_SECTIONS = weakref.WeakKeyDictionary()


def _container_name(node: Node) -> str:
    if node.type == "singleton_class":
        return ""  # `class << self`: its methods belong to the class around it
    return text_of(node.child_by_field_name("name")).replace("::", ".")


def _qualifier(node: Node) -> str | None:
    if node.type != "singleton_method":
        return None
    obj = text_of(node.child_by_field_name("object"))
    return None if obj in ("self", "") else obj.replace("::", ".")


def _section(node: Node, ctx: FileContext) -> str:
    body = node.parent
    if body is None:
        return "public"
    per_ctx = _SECTIONS.get(ctx)
    if per_ctx is None:
        per_ctx = _SECTIONS[ctx] = {}
    table = per_ctx.get(body.id)
    if table is None:
        marks = [
            (c.start_byte, text_of(c))
            for c in body.named_children
            if c.type == "identifier" and text_of(c) in _VISIBILITY
        ]
        table = per_ctx[body.id] = ([b for b, _w in marks], [w for _b, w in marks])
    i = bisect.bisect_left(table[0], node.start_byte)
    return table[1][i - 1] if i > 0 else "public"


def _public(node: Node, name: str, spec: CodeSpec, ctx: FileContext) -> bool | None:
    if name.startswith("_"):
        return False
    if node.type in ("method", "singleton_method"):
        parent = node.parent
        if parent is not None and parent.type == "argument_list":
            call = parent.parent  # `private def helper`
            method = call.child_by_field_name("method") if call is not None else None
            if text_of(method) in ("private", "protected", "private_class_method"):
                return False
        elif node.type == "method" and _section(node, ctx) in ("private", "protected"):
            return False
    return True


def _accept(node: Node, kind: str) -> bool:
    if node.type != "assignment":
        return True
    # constants of a file, class or module; not those assigned inside a method
    parent = node.parent
    return parent is not None and parent.type in ("program", "body_statement")


_OPENERS = lazy(
    r"(?:^|;)[ \t]*(?:class|module|def|if|unless|while|until|case|begin|for)\b(?![^\n;]*\bend\b)"
    r"|\bdo[ \t]*(?:\|[^|\n]*\|)?[ \t]*(?:$|;)",
    re.M,
)
_ENDS = lazy(r"(?:^|;)[ \t]*end\b", re.M)


def _unclosed(text: str) -> str:
    missing = len(_OPENERS.findall(text)) - len(_ENDS.findall(text))
    return "; ".join(["end"] * missing) if missing > 0 else ""


SYNTAX = FragmentSyntax(
    closer=re.compile(r"(?:end\b|[})\]])"),
    header=re.compile(
        r"(?:def|class|module)\b|(?:private|protected|public)\s*$"
        r"|attr_(?:reader|writer|accessor)\b|include\b|extend\b|[A-Z]\w*\s*="
    ),
    container=re.compile(r"(?:class|module)\b"),
    function_open=f"def {SENTINEL}",
    method_open=f"def {SENTINEL}",
    container_open=f"class << {SENTINEL}",
    block_open=f"{SENTINEL} do",
    comment_prefixes=("#",),
    block_comment=False,
    braces=False,
    opens=re.compile(
        r"^(?:class|module|def|if|unless|while|until|case|begin|for)\b|\bdo\s*(?:\|[^|]*\|)?\s*$"
    ),
    joiner="; ",
    line_comment="#",
    unclosed=_unclosed,
)

SPEC = CodeSpec(
    grammar="ruby",
    definitions="""
        (method name: (_) @name) @def
        (singleton_method name: (_) @name) @def
        (class name: (_) @name) @def
        (module name: (_) @name) @def
        (assignment left: (constant) @name) @def
    """,
    kinds={
        "method": "function",
        "singleton_method": "method",
        "class": "class",
        "module": "module",
        "assignment": "constant",
    },
    containers=_CONTAINERS,
    functions=frozenset({"method", "singleton_method", "block", "do_block", "lambda"}),
    body_fields=("body", "right"),
    comments="(comment) @c",
    strings="(string) @s\n(heredoc_body) @s",
    imports="""
        ((call method: (identifier) @_m) @import
            (#match? @_m "^(require|require_relative|load|autoload)$"))
    """,
    is_public=_public,
    container_name=_container_name,
    qualifier=_qualifier,
    accept=_accept,
    fragment=lambda seg: repair_fragment(seg, SYNTAX),
    drop_local=True,
    ranged=True,
    extra={"module_is_api": True},
)

analyze = analyzer(SPEC)
