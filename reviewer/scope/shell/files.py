"""Commands against files, disks, processes and the machine: ``rm -rf``, ``dd``, ``chmod``, ``kill``."""

from __future__ import annotations

import re

from ...rx import lazy
from ..lex.shell import program_name, short_has, split_opts, word_set
from .command import SYSTEM_DIRS, Cmd, Hit, path_level, rm_target_level, worst


def rm_hits(cmd: Cmd) -> list[Hit]:
    opts, targets = split_opts(cmd.args)
    recursive = "--recursive" in opts or short_has(opts, "rR")
    if not recursive:
        return []
    if "--no-preserve-root" in opts:
        return [cmd.hit("cmd.rm_rf", "high")]
    if not targets:
        return [cmd.hit("cmd.rm_rf", "medium")] if cmd.via_xargs else []
    level = worst(rm_target_level(t, cmd.state.temp_vars) for t in targets)
    return [] if level is None else [cmd.hit("cmd.rm_rf", level)]


def dd_hits(cmd: Cmd) -> list[Hit]:
    for a in cmd.args:
        if a.startswith("of=/dev/") and not re.match(
            r"of=/dev/(null|zero|stdout|stderr|fd/|tty)", a
        ):
            return [cmd.hit("cmd.disk_wipe", "high")]
    return []


def disk_hits(cmd: Cmd) -> list[Hit]:
    if cmd.program == "shred" and not any(a.startswith("/dev/") for a in cmd.args):
        return []
    if cmd.program == "sgdisk" and not any(
        a in ("--zap-all", "-Z", "--clear", "-o") for a in cmd.args
    ):
        return []
    return [cmd.hit("cmd.disk_wipe", "high")]


_WORLD_SYMBOLIC_RE = lazy(r"(?:^|,)[ugo]*[ao][ugo]*[+=][rwxXst]*w|(?:^|,)a?[+=][rwxXst]*w.*$")


def chmod_hits(cmd: Cmd) -> list[Hit]:
    opts, rest = split_opts(cmd.args)
    if not rest:
        return []
    mode, targets = rest[0], rest[1:]
    recursive = "--recursive" in opts or short_has(opts, "R")
    if re.fullmatch(r"[0-7]{3,4}", mode):
        world = mode[-1] in "2367"
        if len(mode) == 4 and mode[0] in "1357":
            return []  # sticky bit: a shared temp directory
    else:
        world = bool(re.search(r"(?:^|,)[ugo]*[ao][ugo]*[+=][rwxXst]*w", mode))
    if not world:
        return []
    if targets and all(path_level(t) is None for t in targets):
        return []
    return [cmd.hit("cmd.chmod_world", "high" if recursive else "medium")]


def chown_hits(cmd: Cmd) -> list[Hit]:
    opts, rest = split_opts(cmd.args)
    if not ("--recursive" in opts or short_has(opts, "R")) or len(rest) < 2:
        return []
    for t in rest[1:]:
        norm = t.rstrip("/*") or "/"
        if norm in SYSTEM_DIRS:
            return [cmd.hit("cmd.chown_system", "high")]
    return []


def kill_hits(cmd: Cmd) -> list[Hit]:
    if cmd.program == "killall5":
        return [cmd.hit("cmd.kill_all", "high")]
    args = cmd.args
    if len(args) >= 2 and args[-1] == "-1":
        return [cmd.hit("cmd.kill_all", "high")]
    return []


def find_hits(cmd: Cmd) -> list[Hit]:
    args = cmd.args
    deletes = "-delete" in args or any(
        a in ("-exec", "-execdir") and j + 1 < len(args) and program_name(args[j + 1 :]) == "rm"
        for j, a in enumerate(args)
    )
    if not deletes:
        return []
    roots = []
    for a in args:
        if a.startswith(("-", "(", "!")):
            break
        roots.append(a)
    # deleting matches under the working directory is routine; under / or ~ it is not
    wide = [
        r
        for r in roots
        if r not in (".", "./") and rm_target_level(r, cmd.state.temp_vars) == "high"
    ]
    if not wide:
        return []
    filtered = any(a in _FIND_FILTERS for a in args)
    return [cmd.hit("cmd.rm_rf", "medium" if filtered else "high")]


_FIND_FILTERS = word_set(
    "-name -iname -path -ipath -regex -iregex -newer -mtime -mmin -atime -amin -ctime -user "
    "-group -size -empty -wholename"
)


def power_hits(cmd: Cmd) -> list[Hit]:
    if cmd.program == "systemctl" and not (set(cmd.args) & {"poweroff", "reboot", "halt", "kexec"}):
        return []
    if cmd.program == "init" and not (set(cmd.args) & {"0", "6"}):
        return []
    return [cmd.hit("cmd.shutdown", "medium")]
