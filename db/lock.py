"""One crawl at a time per database: an exclusive lock on `<db>.lock`.

flock locks belong to the open file, so the kernel releases them when the holder dies:
a lock left by a killed process is never stale, and no pid guessing is needed. The pid and
start time written into the file are for the message a second process prints.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator


class LockHeld(RuntimeError):
    """Another clinicwatch process holds the database's crawl lock."""


def lock_path(db_path: str | os.PathLike) -> Path:
    return Path(f"{db_path}.lock")


@contextmanager
def crawl_lock(db_path: str | os.PathLike) -> Iterator[Path]:
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
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
