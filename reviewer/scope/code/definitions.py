"""Definitions on one side of a file: names qualified by their containers, ranges, signatures."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import Side
from ..engine import Definition, FileContext, digest, text_of
from ..grammars import Node
from .spec import SENTINEL, CodeSpec, default_name
from .trees import results, spec_trees


def _qualify(
    node: Node, name: str, spec: CodeSpec, ancestors: list[Node]
) -> tuple[str, bool, bool]:
    """Qualified name, whether it sits directly in a container, whether it is local to a function.

    ``ancestors``: the containers and functions around ``node``, nearest first.
    """
    parts = [name]
    direct_container = False
    local = False
    first = True
    for anc in ancestors:
        if anc.type in spec.functions:
            local = True
            first = False
            if spec.qualify_locals:
                fname = default_name(anc)
                if fname and fname != SENTINEL:
                    parts.append(fname)  # `view.inner`, like Python's own __qualname__
            continue
        if anc.type in spec.containers:
            cname = spec.container_name(anc)
            if cname and cname != SENTINEL:
                parts.append(cname)
            if first and anc.type not in spec.namespaces:
                direct_container = True
            first = False
    qual = spec.qualifier(node) if spec.qualifier else None
    if qual:
        parts.append(qual)
        direct_container = True
    return ".".join(reversed(parts)), direct_container, local


def _enclosing(candidates: list[Node], nodes: list[Node]) -> dict[int, list[Node]]:
    """For each node, the containers and functions around it (``candidates``), nearest first.

    One sweep over byte ranges: walking ``parent`` costs the depth of the tree at every step,
    which deeply nested input turns into cubic time.
    """
    if not nodes or not candidates:
        return {}
    # at one start, outer first; a candidate before a definition with the very same range
    events = sorted(
        [(c.start_byte, -c.end_byte, 0, i) for i, c in enumerate(candidates)]
        + [(n.start_byte, -n.end_byte, 1, i) for i, n in enumerate(nodes)]
    )
    out: dict[int, list[Node]] = {}
    stack: list[Node] = []
    for start, _neg_end, what, i in events:
        while stack and stack[-1].end_byte <= start:
            stack.pop()
        if what == 0:
            stack.append(candidates[i])
            continue
        node = nodes[i]
        out[node.id] = [a for a in reversed(stack) if a.id != node.id][:_MAX_NESTING]
    return out


#: qualification and locality look no further out than this many containers and functions
_MAX_NESTING = 64


def parents(node: Node, limit: int = 32) -> Iterator[Node]:
    """The ancestors of ``node``, nearest first, at most ``limit`` of them.

    Each step up costs the depth of the tree, so deeply nested input is never walked to its root.
    """
    p = node.parent
    while p is not None and limit > 0:
        yield p
        limit -= 1
        p = p.parent


def _range_start(node: Node, spec: CodeSpec) -> Node:
    """The node whose start begins the definition: wrappers and doc comments above count."""
    outer = node
    while outer.parent is not None and outer.parent.type in spec.wrappers:
        outer = outer.parent
    prev = outer.prev_named_sibling
    first = outer
    while (
        prev is not None
        and ("comment" in prev.type or prev.type in spec.leading)
        and prev.end_point[0] >= first.start_point[0] - 1
    ):
        first = prev
        prev = prev.prev_named_sibling
    return first


def _signature_and_body(node: Node, spec: CodeSpec, with_body: bool = True) -> tuple[str, str]:
    """The header up to the body (comments left out) and the body text (only ``with_body``)."""
    body = None
    for f in spec.body_fields:
        body = node.child_by_field_name(f)
        if body is not None:
            break
    if body is None and spec.body_types:
        body = next((c for c in node.children if c.type in spec.body_types), None)
    if body is None:
        # `val x: Int = 1`: what follows the `=` is a value, not part of the signature (also
        # when the definition is the statement that wraps the assignment, as in Python)
        target = node
        if node.named_child_count == 1 and not any(c.type == "=" for c in node.children):
            target = node.named_children[0]
        eq = next((c for c in target.children if c.type == "="), None)
        body = eq.next_sibling if eq is not None else None
    if body is None:
        text = text_of(node)
        return "".join(text.split("\n", 1)[0].split()), text
    start = node.start_byte
    raw = node.text or b""
    cut = body.start_byte - start
    head = raw[:cut]
    body_text = raw[cut : body.end_byte - start].decode("utf-8", "replace") if with_body else ""
    children = node.children
    if not any("comment" in c.type for c in children if c.start_byte < body.start_byte):
        # only whitespace lies between a node's children, and the signature drops whitespace
        return "".join(head.decode("utf-8", "replace").split()), body_text
    parts = []
    for child in children:
        if child.start_byte >= body.start_byte:
            break
        if "comment" not in child.type:
            parts.append(text_of(child))
    return "".join(" ".join(parts).split()), body_text


def definitions(ctx: FileContext, side: Side, spec: CodeSpec) -> list[Definition]:
    """The definitions on ``side`` of the file, as the language ``spec`` finds them."""
    out: list[Definition] = []
    changed = ctx.changed(side)
    for seg, tree in spec_trees(ctx, side, spec):
        found: list[Definition] = []
        found_here = results(ctx, side, spec, seg, tree)
        around = _enclosing(
            found_here.ancestors,
            [caps["def"][0] for caps in found_here.definitions if caps.get("def")],
        )
        for caps in found_here.definitions:
            defs = caps.get("def")
            names = caps.get("name")
            if not defs or not names:
                continue
            node, name_node = defs[0], names[0]
            name = (
                spec.name_of(name_node) if spec.name_of is not None else text_of(name_node).strip()
            )
            if not name or name == SENTINEL:
                continue
            kind = spec.kinds.get(node.type, node.type)
            if spec.kind_of is not None:
                kind = spec.kind_of(node, kind)
            if spec.accept is not None and not spec.accept(node, kind):
                continue
            qual, in_container, local = _qualify(node, name, spec, around.get(node.id, []))
            if local and spec.drop_local:
                continue
            if in_container and kind == "function":
                kind = spec.method_kind
            start_node = _range_start(node, spec)
            head_row = name_node.start_point[0]
            virtual = seg.line_of(head_row) is None
            head_line = seg.clamp_line(head_row)
            # only a definition whose header changed can be added, deleted or renamed: its body
            # is digested to pair a rename
            hashed = not virtual and head_line in changed
            signature, body = _signature_and_body(node, spec, hashed)
            public: bool | None
            if local:
                public = False
            elif spec.is_public is not None:
                public = spec.is_public(node, name, spec, ctx)
            else:
                public = None
            found.append(
                Definition(
                    kind=kind,
                    name=qual,
                    start=seg.clamp_line(start_node.start_point[0]),
                    end=seg.clamp_line(node.end_point[0]),
                    head=seg.clamp_line(head_row),
                    signature="" if virtual else signature,
                    digest=digest(body) if hashed else "",
                    public=public,
                    virtual=virtual,
                )
            )
        out.extend(spec.refine(seg, found) if spec.refine is not None else found)
    return out
