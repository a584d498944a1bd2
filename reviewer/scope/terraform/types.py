"""Terraform type constraints: whether a variable's new type still takes every value its old one did.

A module's input is its interface. Adding an ``optional(...)`` attribute to an object type, or going
from ``list(string)`` to ``list(any)``, changes the text of ``type`` but breaks no caller: every
value that fitted before still fits. Going from ``string`` to ``bool``, dropping an attribute or
making one required does break callers. The rules follow Terraform's type conversions ("Type
Constraints" in the Terraform language docs): ``any`` takes everything, ``string`` takes numbers and
bools (they convert), collections and structures compare element by element, and an object's
attributes compare name by name.
"""

from __future__ import annotations

import re

from ...record import record
from ...rx import lazy

_TOKEN = lazy(
    r'\s*(?:(?P<word>[A-Za-z_][\w-]*)|(?P<punct>[(){}\[\],=:])|(?P<str>"(?:[^"\\]|\\.)*")|(?P<other>[^\s(){}\[\],=:"]+))'
)
_PRIMITIVES = frozenset({"string", "number", "bool", "any"})
_COLLECTIONS = frozenset({"list", "set", "map"})
_CLOSERS = frozenset({")", "]", "}"})


@record
class Type:
    """A parsed type constraint: ``name`` is a primitive, a collection, ``tuple`` or ``object``."""

    name: str
    args: tuple[Type, ...] = ()
    #: an object's attributes: name -> (type, optional, the default's text)
    attrs: tuple[tuple[str, Type, bool, str], ...] = ()


class _Unreadable(Exception):
    pass


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks: list[str] = []
        pos = 0
        text = re.sub(r"(?m)(#|//).*$", "", text)
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                if text[pos:].strip():
                    raise _Unreadable
                break
            tok = m.group("word") or m.group("punct") or m.group("str") or m.group("other")
            if tok:
                self.toks.append(tok)
            pos = m.end()
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, want: str | None = None) -> str:
        tok = self.peek()
        if tok is None and want in _CLOSERS:
            # a hunk ends inside the type: the rest is unchanged context on both sides, the same
            # text, so the two sides compare on what they show
            return want
        if tok is None or (want is not None and tok != want):
            raise _Unreadable
        self.i += 1
        return tok

    def skip_expr(self) -> str:
        """An expression (an optional attribute's default), up to the ``,`` or ``)`` ending it."""
        depth, out = 0, []
        while (tok := self.peek()) is not None:
            if depth == 0 and tok in (",", ")"):
                break
            if tok in "([{":
                depth += 1
            elif tok in ")]}":
                depth -= 1
            out.append(self.take())
        return " ".join(out)

    def type(self) -> Type:
        word = self.take()
        if word in _PRIMITIVES:
            return Type(word)
        self.take("(")
        if word in _COLLECTIONS:
            inner = self.type()
            self.take(")")
            return Type(word, (inner,))
        if word == "tuple":
            self.take("[")
            items = []
            while self.peek() not in ("]", None):
                items.append(self.type())
                if self.peek() == ",":
                    self.take()
            self.take("]")
            self.take(")")
            return Type("tuple", tuple(items))
        if word == "object":
            self.take("{")
            attrs = []
            while self.peek() not in ("}", None):
                name = self.take().strip('"')
                if self.peek() not in ("=", ":"):
                    raise _Unreadable
                self.take()
                attrs.append((name, *self.attribute()))
                if self.peek() == ",":
                    self.take()
            self.take("}")
            self.take(")")
            return Type("object", attrs=tuple(sorted(attrs)))
        raise _Unreadable

    def attribute(self) -> tuple[Type, bool, str]:
        if self.peek() != "optional":
            return self.type(), False, ""
        self.take()
        self.take("(")
        inner = self.type()
        default = ""
        if self.peek() == ",":
            self.take()
            default = self.skip_expr()
        self.take(")")
        return inner, True, default


def parse_type(text: str) -> Type | None:
    """The type constraint ``text`` writes, or None when it is not one this reader knows."""
    try:
        p = _Parser(text)
        t = p.type()
        if p.peek() is not None:
            return None
        return t
    except _Unreadable:
        return None


def accepts(new: Type, old: Type) -> bool:
    """Every value of type ``old`` is a value of type ``new`` (or converts to one)."""
    if new.name == "any":
        return True
    if old.name == "any":
        return False
    if new.name == "string" and old.name in ("number", "bool"):
        return True  # Terraform converts numbers and bools to strings
    if new.name != old.name:
        return False
    if new.name in _PRIMITIVES:
        return True
    if new.name in _COLLECTIONS:
        return accepts(new.args[0], old.args[0])
    if new.name == "tuple":
        return len(new.args) == len(old.args) and all(
            accepts(n, o) for n, o in zip(new.args, old.args, strict=True)
        )
    was = {name: (t, opt, default) for name, t, opt, default in old.attrs}
    for name, t, opt, default in new.attrs:
        if name not in was:
            if not opt:
                return False  # a new required attribute: callers must now set it
            continue
        old_t, old_opt, old_default = was.pop(name)
        if old_opt and not opt:
            return False
        if old_opt and default != old_default:
            return False  # what a caller who leaves it out gets changes
        if not accepts(t, old_t):
            return False
    return not was  # a dropped attribute is no longer read: what callers set is ignored


def type_change(old_text: str, new_text: str) -> str | None:
    """How a variable's type constraint changes: ``"same"`` (one type written differently:
    aligned, reflowed, attributes reordered), ``"widens"`` (the new one takes every value the old
    one took), ``"other"``; None when either is not a type this reader knows."""
    old, new = parse_type(old_text), parse_type(new_text)
    if old is None or new is None:
        return None
    if old == new:
        return "same"
    return "widens" if accepts(new, old) else "other"
