"""Each window's private store on disk, found again after a reload, and removed when the window is closed,
when it has been idle too long, and at server start for those a previous run left behind.

A window's store is `<root>/<token>/`, where `<root>` is a 0700 folder of the temporary directory that
belongs to this user (or `GIGDATA_SESSIONS_DIR`) and `<token>` 128 random bits. The token is in the
window's address (`?s=<token>`), so a reload finds the data again; another window, with no token or its
own, never sees it (no cookie is shared between windows). Each run of the window touches `<token>/.seen`
and writes the Streamlit session id that owns it into `<token>/.owner`.

The reaper (one thread per server process) removes a store
- when no connected session owns it for `CLOSED_GRACE_S` (the window was closed; a reload within the
  grace adopts it again); a store of another server process that still runs is left to that server
  (two servers of one user share the folder), one whose server is gone counts as closed,
- when it has not been touched for the idle time (`[app] idle_minutes`, or `GIGDATA_IDLE_MINUTES`),
- at server start, every store idle for longer than that.

Nothing here imports the toolkit's analyses; `reap` is plain file work, tested without a server.

Example:
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> store = new_store(root)
    >>> reap(root, idle_s=1800, active=set(), now=time.time() + 3600) == [store]
    True
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT_ENV = "GIGDATA_SESSIONS_DIR"
IDLE_ENV = "GIGDATA_IDLE_MINUTES"
GRACE_ENV = "GIGDATA_CLOSED_GRACE_S"
CLOSED_GRACE_S = 90.0
"""How long a store outlives its last connected window (a reload in between keeps it)."""
SEEN, OWNER = ".seen", ".owner"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
_started = threading.Lock()
_reaper: threading.Thread | None = None


def sessions_root() -> Path:
    """The folder holding every window's store: created 0700, refused if it is a link or not this
    user's (another account could otherwise read or plant stores)."""
    root = Path(os.environ.get(ROOT_ENV) or Path(tempfile.gettempdir()) / f"gigdata-sessions-{os.getuid()}")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(root)
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(f"{root} is a link or belongs to another user: not used for session data")
    os.chmod(root, 0o700)
    return root


def idle_seconds(configured_minutes: float) -> float:
    """The idle time after which a window's store is removed: `GIGDATA_IDLE_MINUTES`, else the config."""
    raw = os.environ.get(IDLE_ENV)
    try:
        minutes = float(raw) if raw else float(configured_minutes)
    except ValueError:
        minutes = float(configured_minutes)
    return max(minutes, 0.05) * 60.0


def grace_seconds() -> float:
    """`CLOSED_GRACE_S`, or `GIGDATA_CLOSED_GRACE_S` (tests shorten it)."""
    try:
        return max(float(os.environ.get(GRACE_ENV) or CLOSED_GRACE_S), 1.0)
    except ValueError:
        return CLOSED_GRACE_S


def new_store(root: Path) -> Path:
    """A fresh store under a new random token.

    Example:
        >>> import tempfile
        >>> len(new_store(Path(tempfile.mkdtemp())).name)
        22
    """
    while True:
        path = root / secrets.token_urlsafe(16)
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        touch(path, None)
        return path


def find_store(root: Path, token: str | None) -> Path | None:
    """The store of `token` when it is a well-formed token whose folder still exists, else None.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> token = new_store(root).name
        >>> find_store(root, token) is not None, find_store(root, "../etc"), find_store(root, None)
        (True, None, None)
    """
    if not token or not _TOKEN.fullmatch(token):
        return None
    path = root / token
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return path if stat.S_ISDIR(info.st_mode) else None


def touch(path: Path, session_id: str | None) -> None:
    """Mark the store as seen now, owned by `session_id` (quietly: a store removed meanwhile is new)."""
    try:
        (path / SEEN).touch()
        if session_id is not None:
            (path / OWNER).write_text(f"{os.getpid()}:{session_id}", encoding="utf-8")
    except OSError:
        pass


def reap(root: Path, idle_s: float, active: set[str] | None, now: float | None = None,
         grace_s: float = CLOSED_GRACE_S) -> list[Path]:
    """Remove the stores idle for longer than `idle_s`, and those no connected session in `active` owns
    since `grace_s` (`active` None: the connected sessions are unknown, idle time only). Returns them.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> kept, closed = new_store(root), new_store(root)
        >>> touch(kept, "a"); touch(closed, "b")
        >>> reap(root, idle_s=1800, active={"a"}, now=time.time() + 120) == [closed]
        True
    """
    now = time.time() if now is None else now
    removed = []
    for path in sorted(root.iterdir()):
        if not _TOKEN.fullmatch(path.name) or path.is_symlink() or not path.is_dir():
            continue
        seen = _mtime(path / SEEN) or _mtime(path) or now
        pid, owner = _owner(path)
        if pid != os.getpid():  # another server's window: closed only when that server is gone
            closed = not _alive(pid) and now - seen > grace_s
        else:
            closed = active is not None and owner is not None and owner not in active and now - seen > grace_s
        if now - seen > idle_s or closed:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def start_reaper(root: Path, idle_s: float, active: Callable[[], set[str] | None]) -> None:
    """Start, once per process, the thread that reaps `root`; first it removes what a previous server
    run left idle."""
    global _reaper
    with _started:
        if _reaper is not None and _reaper.is_alive():
            return
        reap(root, idle_s, None)  # server start: stores a previous run left behind, idle too long
        grace = grace_seconds()
        interval = max(1.0, min(30.0, grace / 3, idle_s / 4))

        def loop() -> None:
            while True:
                time.sleep(interval)
                try:
                    reap(root, idle_s, active(), grace_s=grace)
                except OSError:
                    continue

        _reaper = threading.Thread(target=loop, name="gigdata-session-reaper", daemon=True)
        _reaper.start()


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _owner(path: Path) -> tuple[int, str | None]:
    """(server process id, session id) that last ran the store's window (this process when unsaid)."""
    try:
        text = (path / OWNER).read_text(encoding="utf-8")[:100]
    except OSError:
        return os.getpid(), None
    pid, _, session = text.rpartition(":")
    return (int(pid) if pid.isdigit() else os.getpid()), (session or None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError, ValueError):
        return False
    except PermissionError:
        return True
    return True
