"""The crash log a bug leaves: the traceback in a file, so that the user sees one line (exit 3)."""

from __future__ import annotations

import os
import sys
import time

from . import __version__


def write_crash_log(exc: BaseException) -> str:
    """Write ``exc``'s traceback under ~/.cache/intent-reviewer/ (else the temporary directory);
    the file's path, or a note that it could not be written."""
    import tempfile
    import traceback
    from pathlib import Path

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "intent-reviewer"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    try:
        path.write_text(
            f"reviewer {__version__}\nargv: {sys.argv!r}\n\n"
            + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            "utf-8",
        )
    except OSError:
        return "(could not write a crash log)"
    return str(path)
