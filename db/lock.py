"""One crawl at a time per database: an exclusive lock on `<db>.lock`.

flock locks belong to the open file, so the kernel releases them when the holder dies:
a lock left by a killed process is never stale, and no pid guessing is needed. The pid and
start time written into the file are for the message a second process prints.

The lock file is opened with O_NOFOLLOW and must be a regular file: a `<db>.lock` that is a
symbolic link (to a file the crawl would truncate) or anything else is refused, with an error
naming it (tests/test_nightly.py::test_the_lock_file_is_never_followed_through_a_symlink).
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .schema import DatabaseError


class LockHeld(RuntimeError):
    """Another clinicwatch process holds the database's crawl lock."""


def lock_path(db_path: str | os.PathLike) -> Path:
    return Path(f"{db_path}.lock")


def open_lock_file(path: Path):
    """The lock file, created if missing, never through a symbolic link, only if a regular file."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DatabaseError(f"{path}: the crawl lock file is a symbolic link, which clinicwatch does not follow "
                                "(it would overwrite the file it points to); remove it") from None
        raise DatabaseError(f"{path}: cannot open the crawl lock file ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise DatabaseError(f"{path}: the crawl lock file is not a regular file; remove it")
    return os.fdopen(fd, "r+")


@contextmanager
def crawl_lock(db_path: str | os.PathLike) -> Iterator[Path]:
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open_lock_file(path)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown process"
            raise LockHeld(f"another clinicwatch crawl holds the lock {path} ({holder}); "
                           "wait for it to finish, or check that process") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ}\n")
        handle.flush()
        yield path
    finally:
        handle.close()  # releases the lock
