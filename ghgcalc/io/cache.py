"""A content-keyed cache of parsed data in the user's cache folder (as pint keeps its parsed
unit definitions): the validated factor rows and the shipped YAML files, so that a new process
does not parse and validate them again.

The key is the SHA-256 of everything the value is computed from (the data's bytes and the
code that reads them), so a changed file is a new key and a stale entry is never read. Writes
are atomic (a temporary file in the same folder, then a rename). A cache that cannot be read or
written is ignored: the value is computed as if there were none. ``GHGCALC_NO_CACHE=1`` turns
it off; ``GHGCALC_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["cache_dir", "cached", "content_key"]

T = TypeVar("T")


def cache_dir() -> Path | None:
    """Where ghgcalc keeps caches: ``$GHGCALC_CACHE_DIR``, else ``$XDG_CACHE_HOME/ghgcalc``,
    else ``~/.cache/ghgcalc``; None when ``GHGCALC_NO_CACHE`` is set."""
    if os.environ.get("GHGCALC_NO_CACHE"):
        return None
    explicit = os.environ.get("GHGCALC_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ghgcalc"


def content_key(parts: Iterable[bytes], code: Iterable[Path] = ()) -> str:
    """SHA-256 over the data ``parts``, the source of the ``code`` files that read them, and
    the Python version (pickles are per interpreter)."""
    h = hashlib.sha256(sys.version.encode())
    for c in code:
        try:
            h.update(hashlib.sha256(c.read_bytes()).digest())
        except OSError:
            h.update(b"?")
    for p in parts:
        h.update(hashlib.sha256(p).digest())
    return h.hexdigest()


def cached(kind: str, key: str, compute: Callable[[], T], valid: Callable[[Any], bool]) -> T:
    """The value cached under ``kind``/``key``, else ``compute()`` (then stored; one entry per
    ``kind``: older entries of that kind are removed). ``valid`` checks what was read."""
    d = cache_dir()
    path = d / f"{kind}-{key}.pickle" if d is not None else None
    if path is not None:
        try:
            with open(path, "rb") as fh:
                value = pickle.load(fh)
            if valid(value):
                return value  # type: ignore[no-any-return]
        except Exception:  # no entry yet, or unreadable: compute it
            pass
    value = compute()
    if d is not None and path is not None:
        try:
            d.mkdir(parents=True, exist_ok=True)
            for old in d.glob(f"{kind}-*.pickle"):
                old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=d, prefix=f".{kind}-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass
    return value
