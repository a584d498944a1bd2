"""Record classes behave like the frozen, slotted dataclasses they replace."""

from __future__ import annotations

import copy
import pickle
import re

import pytest

from reviewer.models import Finding, Symbol
from reviewer.record import FrozenError, field, fields, record, replace


@record
class Point:
    """A frozen record with a default, a factory and fields left out of repr and comparison."""

    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list, compare=False)
    secret: str = field(default="", repr=False)


@record(frozen=False, eq=False)
class Counter:
    items: list[int] = field(default_factory=list)
    total: int = 0

    def __post_init__(self) -> None:
        self.total = sum(self.items)


def test_init_defaults_and_factories() -> None:
    p = Point(1)
    assert (p.x, p.y, p.tags, p.secret) == (1, 0, [], "")
    assert Point(1).tags is not Point(1).tags  # a factory runs per instance
    assert Point(x=2, y=3).y == 3
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=3)  # type: ignore[call-arg]


def test_frozen_and_slotted() -> None:
    p = Point(1)
    with pytest.raises(FrozenError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.x
    assert not hasattr(p, "__dict__")
    assert isinstance(FrozenError("x"), AttributeError)


def test_equality_hash_and_repr_follow_the_field_flags() -> None:
    a, b = Point(1, 2, ["a"], "s"), Point(1, 2, ["b"], "s")
    assert a == b and hash(a) == hash(b)  # tags are not compared
    assert Point(1, 2, secret="s") != Point(1, 2)
    pair: object = (1, 2)
    assert a != pair and Point(1) != Point(2)
    assert repr(a) == "Point(x=1, y=2, tags=['a'])"
    assert len({Point(1), Point(1), Point(2)}) == 2


def test_mutable_record_keeps_identity_equality_and_runs_post_init() -> None:
    c = Counter([1, 2])
    assert c.total == 3
    c.total = 10
    assert c.total == 10
    assert Counter() != Counter()
    assert c == c


def test_replace_copies_with_changes_and_refuses_unknown_fields() -> None:
    p = Point(1, 2, ["t"])
    q = replace(p, y=5)
    assert (q.x, q.y, q.tags) == (1, 5, ["t"]) and p.y == 2
    with pytest.raises(TypeError, match="no field 'z'"):
        replace(p, z=1)
    assert replace(Counter([4]), items=[1, 1]).total == 2  # __post_init__ runs again


def test_pickle_and_copy_round_trip() -> None:
    p = Point(1, 2, ["t"], "s")
    for clone in (pickle.loads(pickle.dumps(p)), copy.copy(p), copy.deepcopy(p)):
        assert clone == p and clone.tags == ["t"] and clone.secret == "s"
    sym = Symbol("function", "f", "modified")
    assert pickle.loads(pickle.dumps(sym)) == sym


def test_fields_and_match_args() -> None:
    assert fields(Point) == ("x", "y", "tags", "secret")
    assert fields(Point(1)) == fields(Point)
    assert "id" in fields(Finding)
    match Point(3, 4):
        case Point(x, y):
            assert (x, y) == (3, 4)
        case _:
            pytest.fail("positional match failed")


def test_a_required_field_after_a_default_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default"):

        @record
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]


def test_field_refuses_default_and_factory_together() -> None:
    with pytest.raises(ValueError):
        field(default=1, default_factory=list)  # type: ignore[call-overload]


def _fresh() -> type:
    """A new record class (its __init__ not compiled yet)."""

    @record
    class Shape:
        kind: str
        sides: int
        name: str = "shape"
        tags: list[str] = field(default_factory=list)

    return Shape


def test_init_is_compiled_once_at_the_first_instance() -> None:
    cls = _fresh()
    placeholder = cls.__dict__["__init__"]
    assert placeholder.__code__.co_filename != "<string>"  # nothing compiled at class definition
    first = cls("square", 4)
    compiled = cls.__dict__["__init__"]
    assert compiled is not placeholder and compiled.__code__.co_filename == "<string>"
    made = [first, *(cls("k", i) for i in range(5))]
    assert cls.__dict__["__init__"] is compiled  # once
    assert [m.sides for m in made] == [4, 0, 1, 2, 3, 4]
    assert made[1].tags is not made[2].tags
    assert compiled.__qualname__ == "_fresh.<locals>.Shape.__init__"
    with pytest.raises(FrozenError):
        made[1].sides = 1


CALLS = [
    ((), {}, "missing 2 required positional arguments: 'kind' and 'sides'"),
    (("square",), {}, "missing 1 required positional argument: 'sides'"),
    (("square", 4, "sq", ["a"], 5), {}, "takes from 3 to 5 positional arguments but 6 were given"),
    (("square", 4), {"kind": "again"}, "got multiple values for argument 'kind'"),
    (("square", 4), {"colour": "red"}, "got an unexpected keyword argument 'colour'"),
]


@pytest.mark.parametrize(("args", "kwargs", "message"), CALLS)
@pytest.mark.parametrize("first", [True, False], ids=["first-instance", "later"])
def test_bad_arguments_raise_pythons_own_errors(
    args: tuple[object, ...], kwargs: dict[str, object], message: str, first: bool
) -> None:
    cls = _fresh()
    if not first:
        cls("warm", 0)
    with pytest.raises(TypeError, match=re.escape(message)):
        cls(*args, **kwargs)
    assert cls("square", 4, tags=["t"]).tags == ["t"]  # a failed first call still compiled it


def test_post_init_runs_from_the_first_instance_on() -> None:
    @record(frozen=False, eq=False)
    class Tally:
        items: list[int] = field(default_factory=list)
        total: int = 0

        def __post_init__(self) -> None:
            self.total = sum(self.items)

    assert [Tally([i, i]).total for i in range(6)] == [0, 2, 4, 6, 8, 10]
