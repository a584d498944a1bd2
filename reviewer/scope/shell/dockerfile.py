"""Dockerfiles: instructions, base images and versions, the container user, commands in RUN steps."""

from __future__ import annotations

import json
import re
import shlex

from ...models import CI_CD, DEPENDENCY, PERMISSION_WIDENING, Side, Signal, Symbol
from ...record import record, replace
from ...rx import lazy
from ..engine import FileContext, Partial, Segment, cosmetic_level
from ..lex.shell import odd_backslash, program_name, word_set
from ..lex.versions import compare_versions
from .command import SHELLS
from .danger import scan_commands
from .scripts import line_comments

_DOCKER_KEYWORDS = word_set(
    "FROM RUN CMD LABEL MAINTAINER EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD "
    "STOPSIGNAL HEALTHCHECK SHELL"
)
_INSTR_RE = lazy(r"^\s*([A-Za-z]+)(?=\s|$)")
_DOCKER_HEREDOC_RE = lazy(r"<<-?\s*([\"']?)([A-Za-z_][\w.-]*)\1")
_RUN_PREFIX_RE = lazy(r"^\s*(?:ONBUILD\s+)?(?:RUN|CMD|ENTRYPOINT)\s+(?:--\S+\s+)*", re.I)
_FROM_RE = lazy(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", re.I)
_USER_RE = lazy(r"^\s*USER\s+(\S+)", re.I)
_VERSION_ARG_RE = lazy(
    r"^\s*(?:ARG|ENV)\s+([A-Za-z_]*VERSION[A-Za-z_]*)[= ]\s*[\"']?([^\s\"']+)", re.I
)
_COMMAND_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "ONBUILD"})
#: language images whose minor version is a runtime release (python 3.11 -> 3.12)
_MINOR_RUNTIMES = word_set("python golang go ruby php elixir erlang perl pypy julia")


@record(frozen=False, slots=False)
class _Instr:
    keyword: str
    lines: list[tuple[int, str]]
    heredoc: str | None = None  # BuildKit heredoc body follows until this word


def _continues_docker(text: str) -> bool:
    s = text.rstrip()
    return odd_backslash(s)


def _instructions(seg: Segment) -> list[_Instr]:
    out: list[_Instr] = []
    current: _Instr | None = None
    cont = False
    heading_kw: str | None = None
    for row, text in enumerate(seg.text.split("\n")):
        line = seg.line_of(row)
        if line is None:
            m = _INSTR_RE.match(text)
            if m and m.group(1).upper() in _DOCKER_KEYWORDS:
                heading_kw = m.group(1).upper()
            continue
        stripped = text.strip()
        if current is not None and current.heredoc is not None:
            current.lines.append((line, text))
            if stripped == current.heredoc:
                current.heredoc = None
            continue
        if cont and current is not None:
            if not stripped.startswith("#"):
                current.lines.append((line, text))
                cont = _continues_docker(text)
            continue
        if not stripped or stripped.startswith("#"):
            continue
        m = _INSTR_RE.match(text)
        keyword = m.group(1).upper() if m else ""
        if keyword in _DOCKER_KEYWORDS:
            current = _Instr(keyword, [(line, text)])
            out.append(current)
            h = _DOCKER_HEREDOC_RE.search(text)
            if h is not None:
                current.heredoc = h.group(2)
        elif current is None:
            # a fragment that starts inside an instruction: the hunk heading names it, or guess RUN
            current = _Instr(heading_kw or "RUN", [(line, text)])
            out.append(current)
        else:
            current.lines.append((line, text))
        cont = _continues_docker(text)
    return out


def _command_lines(instr: _Instr) -> list[tuple[int, str]]:
    """The shell text of a RUN/CMD/ENTRYPOINT instruction, line by line."""
    (first, head), rest = instr.lines[0], instr.lines[1:]
    if instr.keyword == "ONBUILD" and not re.match(r"^\s*ONBUILD\s+RUN\b", head, re.I):
        return []
    body = _RUN_PREFIX_RE.sub("", head, count=1) if _RUN_PREFIX_RE.match(head) else head
    if body.lstrip().startswith("["):
        joined = " ".join([body] + [t.rstrip("\\") for _n, t in rest])
        return [(first, _exec_form(joined))]
    h = _DOCKER_HEREDOC_RE.match(body.strip())
    if h is not None:  # RUN <<EOF: the body is the script
        return [(n, t) for n, t in rest if t.strip() != h.group(2)]
    return [(first, body), *rest]


def _exec_form(text: str) -> str:
    try:
        value = json.loads(text)
    except ValueError:
        return text.strip("[] ")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return text.strip("[] ")
    if len(value) >= 3 and program_name(value) in SHELLS and value[1] in ("-c", "-ec", "-exc"):
        return str(value[2])
    return shlex.join(value)


@record(slots=False)
class _From:
    line: int
    repo: str
    tag: str
    digest: str
    alias: str


def _split_image(ref: str) -> tuple[str, str, str]:
    ref, _, dig = ref.partition("@")
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1 :], dig
    return ref, "", dig


def _froms(ctx: FileContext, side: Side) -> list[_From]:
    changed = ctx.changed(side)
    out: list[_From] = []
    for n in ctx.changed_sorted(side):
        m = _FROM_RE.match(changed[n])
        if m is None:
            continue
        repo, tag, dig = _split_image(m.group(1))
        out.append(_From(n, repo, tag, dig, m.group(2) or ""))
    return out


def _pair_froms(old: list[_From], new: list[_From]) -> list[tuple[_From | None, _From | None]]:
    pairs: list[tuple[_From | None, _From | None]] = []
    old_left = list(old)
    new_left: list[_From] = []
    for n in new:
        match = next((o for o in old_left if n.alias and o.alias == n.alias), None)
        match = match or next((o for o in old_left if o.repo == n.repo), None)
        if match is None:
            new_left.append(n)
            continue
        old_left.remove(match)
        pairs.append((match, n))
    # what is left pairs up in order: a FROM line whose image was replaced
    while old_left and new_left:
        pairs.append((old_left.pop(0), new_left.pop(0)))
    pairs.extend((o, None) for o in old_left)
    pairs.extend((None, n) for n in new_left)
    return pairs


def _image_change(o: _From, n: _From) -> Signal | None:

    if o.repo != n.repo:
        return Signal(
            kind=DEPENDENCY,
            code="docker.base_image_major",
            detail=f"replaces base image `{o.repo}` with `{n.repo}`",
            line=n.line,
            side="new",
            symbol=n.repo,
            severity="medium",
        )
    if (o.tag, o.digest) == (n.tag, n.digest):
        return None
    old_v, new_v = o.tag or "latest", n.tag or "latest"
    name = n.repo.rsplit("/", 1)[-1]
    if old_v == new_v:
        level: str | None = "minor"  # only the digest moved
    elif new_v == "latest" or not n.tag:
        level = "major"
    else:
        significant = 2 if name in _MINOR_RUNTIMES else 1
        level = compare_versions(old_v, new_v, significant=significant, variants=True)
    if level is None:
        return None
    shown = f"`{n.repo}` from `{old_v}` to `{new_v}`"
    if level == "major":
        return Signal(
            kind=DEPENDENCY,
            code="docker.base_image_major",
            detail=f"changes base image {shown}",
            line=n.line,
            side="new",
            symbol=n.repo,
            severity="medium",
        )
    return Signal(
        kind=DEPENDENCY,
        code="docker.base_image",
        detail=f"updates base image {shown}",
        line=n.line,
        side="new",
        symbol=n.repo,
        severity="low",
    )


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    old_froms, new_froms = _froms(ctx, "old"), _froms(ctx, "new")
    for o, n in _pair_froms(old_froms, new_froms):
        if o is not None and n is not None:
            if o.repo == n.repo:
                part.symbols.append(Symbol("image", n.repo, "modified", n.line))
            else:
                part.symbols.append(Symbol("image", n.repo, "added", n.line))
                part.symbols.append(Symbol("image", o.repo, "deleted", o.line))
            sig = _image_change(o, n)
            if sig is not None:
                part.signals.append(sig)
        elif n is not None:
            part.symbols.append(Symbol("image", n.repo, "added", n.line))
        elif o is not None:
            part.symbols.append(Symbol("image", o.repo, "deleted", o.line))
    old_alias = {f.alias: f for f in old_froms if f.alias}
    new_alias = {f.alias: f for f in new_froms if f.alias}
    for alias, f in new_alias.items():
        part.symbols.append(
            Symbol("stage", alias, "modified" if alias in old_alias else "added", f.line)
        )
    for alias, f in old_alias.items():
        if alias not in new_alias:
            part.symbols.append(Symbol("stage", alias, "deleted", f.line))

    # keyword -> side -> (changed lines, whether every touched instruction is wholly new/gone)
    touched: dict[str, dict[Side, tuple[list[int], bool]]] = {}
    sides: tuple[Side, Side] = ("old", "new")
    for side in sides:
        changed = ctx.changed(side)
        for seg in ctx.segments(side):
            for instr in _instructions(seg):
                lines = [n for n, t in instr.lines if n in changed and t.strip()]
                if not lines:
                    continue
                whole = instr.lines[0][0] in changed
                seen, all_whole = touched.setdefault(instr.keyword, {}).get(side, ([], True))
                touched[instr.keyword][side] = (seen + lines, all_whole and whole)
                if side == "new" and instr.keyword in _COMMAND_KEYWORDS:
                    found = scan_commands(_command_lines(instr), only=changed)
                    part.signals.extend(_in_image_build(found))
    for keyword, by_side in touched.items():
        new_lines, new_whole = by_side.get("new", ([], False))
        old_lines, old_whole = by_side.get("old", ([], False))
        if new_lines and not old_lines and new_whole:
            change = "added"
        elif old_lines and not new_lines and old_whole:
            change = "deleted"
        else:
            change = "modified"
        part.symbols.append(
            Symbol("instruction", keyword, change, min(new_lines) if new_lines else min(old_lines))  # type: ignore[arg-type]
        )
    part.signals.extend(_user_signals(ctx))
    for number, text in sorted(ctx.added.items()):
        m = _VERSION_ARG_RE.match(text)
        if m is not None:
            part.signals.extend(_version_arg(ctx, m.group(1), m.group(2), number))
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="docker.deleted",
                detail=f"deletes the image build `{ctx.path}`",
                side="old",
                severity="medium",
            )
        )
    part.symbols.sort(key=lambda s: (s.line or 0, s.kind, s.name))
    part.cosmetic = cosmetic_level(ctx, line_comments(ctx))  # type: ignore[arg-type]
    return part


#: commands that only touch the image being built when a RUN step runs them
_BUILD_LOCAL = frozenset({"cmd.rm_rf", "cmd.git_discard", "cmd.docker_prune", "cmd.chown_system"})


def _in_image_build(signals: list[Signal]) -> list[Signal]:
    """Deleting files inside an image layer destroys nothing outside it: keep only the blatant."""
    out: list[Signal] = []
    for sig in signals:
        if sig.code in _BUILD_LOCAL:
            if sig.severity != "high":
                continue
            sig = replace(sig, severity="medium")
        out.append(sig)
    return out


def _is_root(user: str) -> bool:
    return user.split(":", 1)[0].strip("\"'") in ("root", "0")


def _user_signals(ctx: FileContext) -> list[Signal]:
    added = [(n, m.group(1)) for n, t in sorted(ctx.added.items()) if (m := _USER_RE.match(t))]
    removed = [(n, m.group(1)) for n, t in sorted(ctx.removed.items()) if (m := _USER_RE.match(t))]
    out: list[Signal] = []
    for n, user in added:
        if _is_root(user):
            out.append(
                Signal(
                    kind=PERMISSION_WIDENING,
                    code="docker.user_root",
                    detail="runs the image as `root`",
                    line=n,
                    side="new",
                    severity="medium",
                )
            )
    if not added and ctx.status != "deleted":
        for n, user in removed:
            if not _is_root(user):
                out.append(
                    Signal(
                        kind=PERMISSION_WIDENING,
                        code="docker.user_root",
                        detail=f"removes `USER {user}`, so the image runs as `root`",
                        line=n,
                        side="old",
                        severity="medium",
                    )
                )
    return out


def _version_arg(ctx: FileContext, name: str, value: str, line: int) -> list[Signal]:

    for text in ctx.removed.values():
        m = _VERSION_ARG_RE.match(text)
        if m is None or m.group(1) != name:
            continue
        if compare_versions(m.group(2), value, significant=1) == "major":
            return [
                Signal(
                    kind=DEPENDENCY,
                    code="docker.version_major",
                    detail=f"changes `{name}` from `{m.group(2)}` to `{value}`",
                    line=line,
                    side="new",
                    symbol=name,
                    severity="medium",
                )
            ]
    return []
