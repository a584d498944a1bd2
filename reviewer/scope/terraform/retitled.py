"""Blocks whose header line is edited in place: the same resource under a new name.

Git shows ``resource "aws_x" "deny_2" {`` replaced by ``resource "aws_x" "deny_14" {`` at the same
place of a hunk, the body mostly kept. Terraform sees one address deleted and one created; a reader
sees a rename, perhaps with a few arguments changed too. The pair is reported as a rename, and the
arguments that differ are named: when one of them forces replacement anyway, that argument is why
the resource is recreated (a `moved` block would not save it).
"""

from __future__ import annotations

from ...models import Symbol
from ..engine import Definition, FileContext

Change = tuple[Symbol, Definition | None, Definition | None]


def _offsets(ctx: FileContext) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]]:
    """Old and new changed lines -> (hunk index, offset from the hunk's start)."""
    old: dict[int, tuple[int, int]] = {}
    new: dict[int, tuple[int, int]] = {}
    for i, h in enumerate(ctx.fd.hunks):
        for prefix, o, n, _text in h.numbered():
            if prefix == "-" and o is not None:
                old[o] = (i, o - h.old_start)
            elif prefix == "+" and n is not None:
                new[n] = (i, n - h.new_start)
    return old, new


def pair_retitled(ctx: FileContext, changes: list[Change]) -> list[Change]:
    """``changes`` with each deleted resource or module whose header line became an added one of
    the same type (same hunk, same place) turned into one ``renamed`` symbol."""
    deleted = [
        c for c in changes if c[0].change == "deleted" and c[0].kind in ("resource", "module")
    ]
    added = [c for c in changes if c[0].change == "added" and c[0].kind in ("resource", "module")]
    if not deleted or not added:
        return changes
    old_at, new_at = _offsets(ctx)
    by_place = {new_at[c[2].head]: c for c in added if c[2] is not None and c[2].head in new_at}
    renamed: dict[int, Change] = {}  # id of the deleted entry -> the rename that replaces it
    taken: set[int] = set()  # ids of the added entries the renames stand for
    for c in deleted:
        o = c[1]
        if o is None or o.head not in old_at:
            continue
        match = by_place.pop(old_at[o.head], None)
        n = match[2] if match is not None else None
        if match is None or n is None or _type(o.name) != _type(n.name):
            continue
        renamed[id(c)] = (Symbol(n.kind, n.name, "renamed", n.head, o.name, n.public), o, n)
        taken.add(id(match))
    return [renamed.get(id(c), c) for c in changes if id(c) not in taken]


def _type(name: str) -> str:
    return name.partition(".")[0] if "." in name else ""
