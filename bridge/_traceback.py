"""Tracebacks that show the user's code, not ours (the console, Python views).

Pure Python: shared by the console (`outbound_console`) and the view runner
(`bridge._pyodide.run_view_script`).
"""

from __future__ import annotations

import os
import re
import sysconfig
import traceback

from .errors import BridgeError

_BRIDGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def is_bridge_frame(filename: str) -> bool:
    """A frame of the bridge package itself."""
    return os.path.abspath(filename).startswith(_BRIDGE_DIR)


def is_machinery(filename: str) -> bool:
    """A frame of what runs the user's code: the bridge, Pyodide's runners, asyncio,
    the console's session."""
    path = filename.replace("\\", "/")
    return is_bridge_frame(filename) or any(part in path for part in (
        "/_pyodide/", "/pyodide/", "/asyncio/", "/outbound_console/session.py"))


_STDLIB = tuple({os.path.abspath(sysconfig.get_paths()[key]) + os.sep for key in ("stdlib", "platstdlib")})


def _is_users(filename: str) -> bool:
    """Neither the machinery nor the standard library (a `with` block's contextlib frame)."""
    path = filename.replace("\\", "/")
    stdlib = os.path.abspath(filename).startswith(_STDLIB) or re.search(r"/lib/python3\d*\.zip/", path) is not None
    return not is_machinery(filename) and not stdlib


def user_traceback(exc: BaseException, entry: str | None = None) -> str:
    """*exc* formatted from the first frame of *entry* (a file name such as "<console>"), else
    from the first frame that is not the machinery running it (`is_machinery`). For a `BridgeError` the frames inside the bridge after the user's last one
    are left out: the error says what went wrong, the user's frames say where.

    A bug inside the bridge (any other exception) keeps its frames: they are what a
    report needs.
    """
    te = traceback.TracebackException.from_exception(exc)
    _trim(te, exc, entry)
    return "".join(te.format())


def _trim(te: traceback.TracebackException, exc: BaseException | None, entry: str | None) -> None:
    frames = list(te.stack)
    start = next((i for i, f in enumerate(frames) if f.filename == entry), None) if entry else None
    if start is None:  # what called the user's code (a handler's dispatcher, the runner) is not theirs
        start = next((i for i, f in enumerate(frames) if not is_machinery(f.filename)), None)
    if start is None:  # no frame is the user's: their syntax error (shown with its line), else a bug of ours
        start = len(frames) if isinstance(exc, SyntaxError) else 0
    frames = frames[start:]
    if isinstance(exc, BridgeError):
        last_user = max((i for i, f in enumerate(frames) if _is_users(f.filename)), default=-1)
        if last_user >= 0:
            frames = frames[: last_user + 1]
    te.stack = traceback.StackSummary.from_list(frames)
    for chained, cause in ((te.__cause__, exc and exc.__cause__), (te.__context__, exc and exc.__context__)):
        if chained is not None:
            _trim(chained, cause, None)
