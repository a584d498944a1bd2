"""Shell text as words: quotes masked, comments cut, simple commands split, ``sudo``/``env`` unwrapped."""

from __future__ import annotations

import re
import shlex

from ...rx import lazy


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_ASSIGN_RE = lazy(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
_MASK_RE = lazy(r"\\.|'[^']*'|\"(?:[^\"\\]|\\.)*\"|\$\{[^}]*\}")
_COMMENT_RE = lazy(r"(?:^|(?<=[\s;&|(]))#")
_SEP_RE = lazy(r"\|\||&&|\|&|;;|\$\(|[;|()`\n]|(?<![<>&])&(?![>&])")

CONTINUES_RE = lazy(r"(?:&&|\|\||\|)\s*$")


def odd_backslash(text: str) -> bool:
    return text.endswith("\\") and (len(text) - len(text.rstrip("\\"))) % 2 == 1


def is_comment(text: str) -> bool:
    return text.lstrip().startswith("#")


_GH_EXPR_RE = lazy(r"\$\{\{\s*([^}]*?)\s*\}\}")


def _gh_expr(m: re.Match[str]) -> str:
    """A CI template expression (``${{ runner.temp }}``) as one shell word that is no variable."""
    word = "{{" + re.sub(r"\s+", "", m.group(1))[:60] + "}}"
    lower = word.lower()
    return "/tmp/" + word if "temp" in lower or "tmp" in lower else word


def ci_expressions_as_words(text: str) -> str:
    """The text with each CI template expression (``${{ ... }}``) made one shell word."""
    return _GH_EXPR_RE.sub(_gh_expr, text) if "${{" in text else text


def mask_quoted(text: str) -> str:
    """The text with quoted strings, escapes and ``${...}`` blanked out (same length)."""

    def blank(m: re.Match[str]) -> str:
        s = m.group(0)
        if len(s) <= 2:
            return "__"[: len(s)]
        return s[0] + "_" * (len(s) - 2) + s[-1]

    return _MASK_RE.sub(blank, text)


def strip_comment(text: str) -> str:
    if "#" not in text:
        return text
    m = _COMMENT_RE.search(mask_quoted(text))
    return text if m is None else text[: m.start()]


def shell_words(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return text.split()


def simple_commands(code: str) -> list[tuple[str, bool]]:
    """Simple commands of a logical line, each with whether it reads a pipe from the previous one."""
    masked = mask_quoted(code)
    out: list[tuple[str, bool]] = []
    pos, piped = 0, False
    for m in _SEP_RE.finditer(masked):
        out.append((code[pos : m.start()], piped))
        piped = m.group(0) in ("|", "|&")
        pos = m.end()
    out.append((code[pos:], piped))
    return [(t, p) for t, p in out if t.strip()]


def program_name(words: list[str]) -> str:
    if not words:
        return ""
    name = words[0].rsplit("/", 1)[-1].lower()
    return name[:-4] if name.endswith(".exe") else name


#: wrapper -> options that take a value
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": word_set("-u -g -p -C -h -U -r -t -D -R"),
    "doas": word_set("-u -C"),
    "env": word_set("-u -C -S"),
    "nice": word_set("-n"),
    "ionice": word_set("-c -n -p"),
    "nohup": frozenset(),
    "time": frozenset(),
    "exec": word_set("-a"),
    "command": frozenset(),
    "builtin": frozenset(),
    "stdbuf": word_set("-i -o -e"),
    "timeout": word_set("-s -k --signal --kill-after"),
    "xargs": word_set("-I -n -P -L -d -E -s -a --max-args --max-procs --delimiter"),
    "caffeinate": frozenset(),
    "chronic": frozenset(),
}
_KEYWORDS = word_set("{ } ( ) ! then do else elif if while until in")


def unwrap(words: list[str]) -> tuple[list[str], bool]:
    """Drop keywords, ``VAR=value`` prefixes and wrappers (``sudo``, ``env``, ``xargs`` ...)."""
    i, via_xargs = 0, False
    n = len(words)
    while i < n:
        w = words[i]
        if w in _KEYWORDS or _ASSIGN_RE.match(w):
            i += 1
            continue
        base = w.rsplit("/", 1)[-1]
        takes = _WRAPPERS.get(base)
        if takes is None:
            break
        via_xargs = via_xargs or base == "xargs"
        i += 1
        while i < n and (
            words[i].startswith("-") or (base == "env" and _ASSIGN_RE.match(words[i]))
        ):
            i += 2 if words[i] in takes else 1
        if base == "timeout" and i < n:
            i += 1  # the duration
        if base == "xargs" and i < n and words[i] in ("-I",):
            i += 2
    return words[i:], via_xargs


def split_opts(args: list[str]) -> tuple[list[str], list[str]]:
    opts: list[str] = []
    rest: list[str] = []
    for j, a in enumerate(args):
        if a == "--":
            rest.extend(args[j + 1 :])
            break
        if a.startswith("-") and len(a) > 1:
            opts.append(a)
        else:
            rest.append(a)
    return opts, rest


def short_has(opts: list[str], letters: str) -> bool:
    return any(not o.startswith("--") and any(c in o[1:] for c in letters) for o in opts)


def positional_args(args: list[str], value_opts: frozenset[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "--":
            break
        if a.startswith("-"):
            skip = a in value_opts
            continue
        out.append(a)
    return out
