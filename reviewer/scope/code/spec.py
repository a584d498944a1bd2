"""What a language is to the code analyzer: a ``CodeSpec`` (tree-sitter queries and conventions)."""

from __future__ import annotations

from collections.abc import Callable

from ...record import field, record
from ..engine import Definition, FileContext, Segment, text_of
from ..grammars import Node

PublicRule = Callable[[Node, str, "CodeSpec", FileContext], "bool | None"]

#: the name a fragment repair gives to the blocks a hunk cut open; never reported, never a qualifier
SENTINEL = "__hunk__"


def default_name(node: Node) -> str:
    """The text of the node's ``name`` field: what most grammars call a definition."""
    return text_of(node.child_by_field_name("name"))


@record(slots=False)
class CodeSpec:
    grammar: str
    #: query whose matches capture ``@def`` (the definition node) and ``@name`` (its name)
    definitions: str
    #: node type -> symbol kind
    kinds: dict[str, str]
    #: node types whose name qualifies the definitions inside them (classes, impls, namespaces)
    containers: frozenset[str] = frozenset()
    #: node types that are functions: a definition nested in one is local, not API
    functions: frozenset[str] = frozenset()
    #: kind given to a function defined directly inside a container
    method_kind: str = "method"
    #: node types wrapping a definition whose range belongs to it (decorators, export)
    wrappers: frozenset[str] = frozenset()
    body_fields: tuple[str, ...] = ("body",)
    comments: str = "(comment) @c"
    #: comment-like strings (docstrings): a ``strings`` capture that is counted as a comment too
    docstring: Callable[[Node], bool] | None = None
    strings: str | None = None
    #: query capturing ``@import`` nodes
    imports: str | None = None
    is_public: PublicRule | None = None
    container_name: Callable[[Node], str] = default_name
    #: extra qualifier for a definition (Go receivers, Rust impl types); None when not applicable
    qualifier: Callable[[Node], str | None] | None = None
    #: a last say on a captured definition (e.g. module variables must start in column 0)
    accept: Callable[[Node, str], bool] | None = None
    #: per segment, a chance to repair what error recovery got wrong on a fragment
    refine: Callable[[Segment, list[Definition]], list[Definition]] | None = None
    extra: dict[str, object] = field(default_factory=dict)
    #: what callers depend on in a signature (Python: its annotations left out); two signatures
    #: equal under it change nothing a caller runs into
    callers_see: Callable[[str], str] | None = None
    #: per hunk segment, the segment to parse instead (hunk mode only): a language may rewrite the
    #: heading row to reopen the blocks the cut left open (see ``repair_fragment``); real rows stay
    fragment: Callable[[Segment], Segment] | None = None
    #: the definition a captured ``@def`` stands for, or None when it is none: lets a pattern capture
    #: a node cheaply instead of nesting (a nested pattern can cost milliseconds to compile)
    definition_of: Callable[[Node], Node | None] | None = None
    #: the reported name of a captured ``@name`` node (default: its text)
    name_of: Callable[[Node], str] | None = None
    #: definitions local to a function (nested functions, members of anonymous classes) are dropped
    #: instead of being reported as non-public
    drop_local: bool = False
    #: node types that are a definition's body when no ``body_fields`` field is (Kotlin)
    body_types: frozenset[str] = frozenset()
    #: the symbol kind of a captured definition when its node type is not enough
    kind_of: Callable[[Node, str], str] | None = None
    #: sibling node types above a definition that belong to it like its comments (Rust attributes)
    leading: frozenset[str] = frozenset()
    #: containers that qualify names but hold functions, not methods (Rust `mod`, TS `namespace`)
    namespaces: frozenset[str] = frozenset()
    #: in full mode, look for definitions only around the changed lines (a definition that holds
    #: no changed line cannot change); off for languages whose ``refine`` reads every definition
    ranged: bool = False
    #: name a function defined inside another by its enclosing function (`view.inner`)
    qualify_locals: bool = False
