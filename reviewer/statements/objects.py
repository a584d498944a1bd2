"""What a clause may call the object of a risky signal: its address, its name, its type in words
(with synonyms: "database" for `aws_db_instance`), its file or folder, and the attributes that force
a replacement."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from functools import lru_cache

from .. import models as m
from ..models import Signal
from ..rx import lazy
from ..terms import stem, subwords, words

#: words people use for the parts of resource types and attributes
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "db": ("database",),
    "rds": ("database",),
    "sg": ("security",),
    "lb": ("balancer", "loadbalancer"),
    "alb": ("balancer", "loadbalancer"),
    "elb": ("balancer", "loadbalancer"),
    "eip": ("elastic",),
    "iam": ("permission", "role", "policy"),
    "s3": ("bucket",),
    "kms": ("key",),
    "sqs": ("queue",),
    "sns": ("topic",),
    "ecr": ("registry", "repository"),
    "vpc": ("network",),
    "rbac": ("role",),
    "gha": ("workflow",),
}
#: type prefixes that name the provider, not the object
_PROVIDERS = frozenset(
    [
        "aws",
        "google",
        "azurerm",
        "azuread",
        "kubernetes",
        "helm",
        "github",
        "cloudflare",
        "digitalocean",
    ]
)
#: names that say nothing about which object is meant
_GENERIC_NAMES = frozenset(
    [
        "this",
        "main",
        "default",
        "example",
        "test",
        "tests",
        "primary",
        "default_",
        "var",
        "local",
        "output",
        "module",
        "resource",
        "data",
        "jobs",
        "job",
        "on",
        "steps",
        "step",
        "env",
        "name",
        "value",
        "values",
        "spec",
        "metadata",
        "file",
        "config",
    ]
)
_TYPE_FILLER = frozenset(
    stem(w) for w in words("instance resource object attachment association configuration config")
)
_QUANTITY = frozenset(
    stem(w)
    for w in words("max min count length number num enable enabled create list total size id ids")
)
BACKTICK = lazy(r"`([^`]+)`")
_RESOURCE = stem("resources")


def _words(name: str) -> tuple[str, ...]:
    parts = [stem(p) for p in subwords(name) if p]
    return tuple(p for p in parts if p and p not in _PROVIDERS)


@lru_cache(maxsize=20_000)
def object_names(sig: Signal, path: str) -> tuple[tuple[str, ...], ...]:
    """Ways a clause may name what ``sig`` is about: each a tuple of stems that must all appear."""
    names: list[tuple[str, ...]] = []

    def add(words: Iterable[str]) -> None:
        t = tuple(w for w in words if w and w not in _GENERIC_NAMES)
        if t and t not in names:
            names.append(t)

    # `deletion_protection = false` names the attribute, not its value
    quoted = [q.split("=")[0].strip() for q in BACKTICK.findall(sig.detail)]
    subjects = [sig.symbol] if sig.symbol else []
    subjects += quoted
    for subject in subjects:
        if not subject:
            continue
        low = subject.lower()
        add((low,))
        # `aws_nat_gateway.this`, `ClusterRole/admin`, `var.enabled`, `jobs.build`
        head = re.split(r"[./:]", subject, maxsplit=1)[0]
        name = re.split(r"[./:]", subject)[-1]
        name_words = _words(name) if name != subject else ()
        if name and name.lower() not in _GENERIC_NAMES and len(name) > 2 and name_words:
            add((name.lower(),))
            add(name_words)
            # `local.max_subnet_length` is "the subnet count": quantity words say how, not what
            add(w for w in name_words if w not in _QUANTITY)
        type_words = _words(head)
        if type_words and head.lower() not in ("var", "output", "local", "module", "data", "jobs"):
            add(type_words)
            if len(type_words) > 1 and head.isalpha():
                add((stem(head.lower()),))  # "the clusterrole", written as one word
            # "the deny rules" for `aws_network_acl_rule.deny_inbound_14`: the kind of thing by its
            # head noun, the instance by a word of its name
            for w in name_words:
                if len(w) >= 3 and w not in _QUANTITY and not w.isdigit():
                    add((type_words[-1], w))
            # "the database" for `aws_db_instance`: the part that says which kind of thing
            add(w for w in type_words if w not in _TYPE_FILLER)
            for w in type_words:
                for syn in _SYNONYMS.get(w, ()):
                    add(tuple(syn if x == w else x for x in type_words))
        if "/" in subject and "." in posixpath.basename(subject):
            add((posixpath.basename(subject).lower(),))
        if sig.kind == m.CI_CD and name and ("-" in name or "_" in name):
            # "remove the pip-install input" for job `caching-with-pip-install`: a compound the
            # job's own name is built of, written as the clause writes it
            sep = "-" if "-" in name else "_"
            parts = [p_ for p_ in name.lower().split(sep) if p_]
            for k in range(2, min(len(parts), 4) + 1):
                for i in range(len(parts) - k + 1):
                    piece = parts[i : i + k]
                    if sum(len(x) for x in piece) >= 6:
                        add((sep.join(piece),))
    base = posixpath.basename(path).lower()
    add((base,))
    stem_ = posixpath.splitext(base)[0]
    if len(stem_) >= 4:
        add(_words(stem_))
    # "the firewall resources" for `aws_subnet.firewall_private` in firewall-subnets.tf: a word of
    # the object's own name or file, and the collective noun for what it is
    if sig.symbol and sig.kind in (m.RESOURCE_DELETION, m.REPLACEMENT):
        own = [
            *_words(re.split(r"[./:]", sig.symbol)[-1]),
            *(_words(stem_) if len(stem_) >= 4 else ()),
        ]
        for w in own:
            if len(w) >= 4 and w not in _QUANTITY and w not in _GENERIC_NAMES and not w.isdigit():
                pair = (w, _RESOURCE)
                if pair not in names:
                    names.append(pair)
    folder = posixpath.basename(posixpath.dirname(path)).lower()
    if (
        folder
        and len(folder) >= 4
        and folder not in ("src", "lib", "modules", "workflows", "templates")
    ):
        add(_words(folder))
    if sig.kind == m.CI_CD or "/workflows/" in path:
        add(("workflow",))
        add(("pipeline",))
        add(("ci",))
    if sig.kind == m.AGENT_INSTRUCTIONS:
        add(("agent", "instruction"))
        add(("instruction",))
    return tuple(names)


def forcing_attributes(sig: Signal) -> tuple[tuple[str, ...], ...]:
    """The attributes a replacement is forced by (`AvailabilityZone`, `cidr_block`), as names."""
    out: list[tuple[str, ...]] = []
    for q in BACKTICK.findall(sig.detail):
        q = q.split("=")[0].strip()
        if q == sig.symbol or any(c in q for c in "./: "):
            continue
        words_ = tuple(w for w in _words(q) if w not in _GENERIC_NAMES)
        if words_:
            out.append(words_)
    return tuple(out)
