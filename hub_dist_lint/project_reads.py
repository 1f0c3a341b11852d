"""What a file's findings read of the project around it, recorded so a cache can trust them.

Some findings are decided by other files: a hub layer another module returns (HDL501),
whether another file imports this one (is it the program's entry point?), a package's
`__init__.py`. So is the absence of a finding. A cache keyed by the file's content alone
would keep such an outcome after the other file changed. Every look at the file system
that a rule or an analysis makes goes through this module (an architecture test holds
`analysis/`, `rules/` and `checking.py` to it), and is recorded while a file is checked
(`recording()`); the cache keeps what was seen with the outcome, and looks again before
it answers (`still_holds`).

A file is known by its size and mtime (as ruff's cache and git's index know it); an
outcome that read a file modified in the last two seconds is not kept, since the file may
change again within its timestamp's granularity (git's "racily clean" files).
"""

from __future__ import annotations

import os
import threading
import time
import tokenize
import zlib
from collections import OrderedDict
from contextlib import contextmanager
from functools import wraps
from io import BytesIO
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from .files import SOURCE_SUFFIXES, excluded_name
from .files import read_bytes as _read_file

# One look: (kind, absolute path, what was seen), JSON-compatible (lists, not tuples).
Probe = Tuple[str, str, object]
# A file modified this recently may change again within its timestamp's granularity
# without its size or mtime changing (git's "racily clean" files): not trusted yet.
RACY_NS = 2_000_000_000


class Reads:
    """The looks made while one file was checked, each kept once."""

    def __init__(self) -> None:
        self._seen: Dict[Tuple[str, str], object] = {}
        self.trusted = True  # False: a file changed during the check, or may change unseen

    def add(self, kind: str, path: str, seen: object) -> None:
        key = (kind, path)
        if key in self._seen and self._seen[key] != seen:
            self.trusted = False  # the project changed while it was being read
        self._seen.setdefault(key, seen)

    def probes(self) -> List[list]:
        return [[kind, path, seen] for (kind, path), seen in sorted(self._seen.items())]

    def replay(self) -> None:
        """Record these looks where the caller is recording (work done once, used again)."""
        _replay(tuple((kind, path, seen) for (kind, path), seen in self._seen.items()))


_local = threading.local()  # the language server may check files on several threads


def _active() -> List[Reads]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


@contextmanager
def recording() -> Iterator[Reads]:
    """Record every look made inside (nested recordings each get them too)."""
    reads = Reads()
    stack = _active()
    stack.append(reads)
    try:
        yield reads
    finally:
        stack.remove(reads)


def _note(kind: str, path: str, seen: object) -> None:
    for reads in _active():
        reads.add(kind, path, seen)
    if kind == "stamp" and seen is not None and _racy(seen[0]):
        _distrust()


def _racy(mtime_ns: int) -> bool:
    return mtime_ns > time.time_ns() - RACY_NS


def _distrust() -> None:
    for reads in _active():
        reads.trusted = False


def _replay(probes: Tuple[Probe, ...]) -> None:
    for kind, path, seen in probes:
        _note(kind, path, seen)


# -- looks ---------------------------------------------------------------------------------

def _stamp(path: str) -> Optional[list]:
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    return [stat.st_mtime_ns, stat.st_size]


def _listing(path: str) -> Optional[list]:
    try:
        return sorted(os.listdir(path))
    except (OSError, ValueError):
        return None


def _source_files(root: str) -> List[Tuple[str, Optional[list]]]:
    """Every .py and notebook file under `root` (the linter's default excludes skipped),
    with its stamp, in a stable order."""
    found = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not excluded_name(d))
        for name in sorted(filenames):
            if name.endswith(SOURCE_SUFFIXES):
                path = os.path.join(directory, name)
                found.append((path, _stamp(path)))
    return found


def _digest(files: List[Tuple[str, Optional[list]]]) -> str:
    data = "\n".join(f"{path} {stamp}" for path, stamp in files).encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(files)}"


_LOOKS: Dict[str, Callable[[str], object]] = {
    "isfile": os.path.isfile,
    "exists": os.path.exists,
    "listdir": _listing,
    "stamp": _stamp,
    "sources": lambda root: _digest(_source_files(root)),
}


def _look(kind: str, path: str):
    """Make a look and record it: the very function `still_holds` makes it again with."""
    path = os.path.abspath(path)
    seen = _LOOKS[kind](path)
    _note(kind, path, seen)
    return seen


def is_file(path: str) -> bool:
    return _look("isfile", path)


def exists(path: str) -> bool:
    return _look("exists", path)


def list_dir(path: str) -> Optional[List[str]]:
    """The names in a directory, sorted; None when it cannot be listed."""
    seen = _look("listdir", path)
    return list(seen) if seen is not None else None


def stamp(path: str) -> Optional[Tuple[int, int]]:
    """(mtime in ns, size) of a file, None when there is none: what a reader keyed by it
    read (the look is recorded)."""
    seen = _look("stamp", path)
    return tuple(seen) if seen is not None else None


def read_bytes(path: str) -> Optional[bytes]:
    """A file's bytes (None when it cannot be read), its stamp taken first: a change
    made while it is read shows at the next look."""
    stamp(path)
    try:
        return _read_file(path)
    except (OSError, ValueError):
        return None


def read_source(path: str) -> Optional[str]:
    """The text of a Python file, decoded as Python reads it; None when it cannot be read."""
    data = read_bytes(path)
    if data is None:
        return None
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError, ValueError):
        return None
    # as tokenize.open reads it: universal newlines
    return text.replace("\r\n", "\n").replace("\r", "\n")


def source_files(root: str) -> List[Tuple[str, bytes]]:
    """Every .py and notebook file under `root` with its bytes (unreadable ones left out):
    one look, which any file added, removed or changed there changes."""
    root = os.path.abspath(root)
    files = _source_files(root)  # stamps first, then the reads
    _note("sources", root, _digest(files))
    if any(stamp is not None and _racy(stamp[0]) for _, stamp in files):
        _distrust()
    found = []
    for path, _ in files:
        try:
            found.append((path, _read_file(path)))
        except (OSError, ValueError):
            continue
    return found


# -- trusting what was recorded ---------------------------------------------------------------

def still_holds(probes: List[list], now: Optional[Dict[Tuple[str, str], object]] = None) -> bool:
    """Every look gives what it gave when it was recorded. `now`: what each look gives
    at present, filled as they are made (one run asks the same look for many files: the
    project-root markers above every file of a package)."""
    now = {} if now is None else now
    for kind, path, seen in probes:
        key = (kind, path)
        if key not in now:
            look = _LOOKS.get(kind)
            now[key] = look(path) if look is not None else _UNKNOWN
        if now[key] != seen:
            return False
    return True


_UNKNOWN = object()  # a look this version does not make: never what was seen


def remembered(maxsize: int = 256):
    """lru_cache for a function that looks at the project: a hit holds only while its
    looks still give what they gave (a language server outlives edits), and records
    them, as if the call had made them again."""

    def decorate(function):
        cache: "OrderedDict[tuple, Tuple[object, Tuple[Probe, ...]]]" = OrderedDict()

        @wraps(function)
        def wrapper(*args):
            hit = cache.get(args)
            if hit is not None and still_holds(hit[1]):
                cache.move_to_end(args)
                _replay(hit[1])
                return hit[0]
            with recording() as reads:
                value = function(*args)
            if reads.trusted:  # else computed again next time: what it read may change unseen
                cache[args] = (value, tuple(map(tuple, reads.probes())))
                if len(cache) > maxsize:
                    cache.popitem(last=False)
            return value

        wrapper.cache_clear = cache.clear
        return wrapper

    return decorate
