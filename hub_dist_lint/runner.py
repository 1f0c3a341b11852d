"""Checking many files: a process pool, a content cache, deterministic order.

Workers return plain data (no CST nodes cross process boundaries): the findings as
`reporters.Record`s, or the reason a file could not be checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

from . import __version__
from .files import read_bytes
from .reporters import Record


@dataclass
class Outcome:
    display: str
    records: List[Record] = field(default_factory=list)
    error: Optional[Tuple[str, Optional[int], Optional[int]]] = None  # (reason, line, column)
    parsed: bool = False
    cached: bool = False


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    # Results depend on the tool's code and its shipped data: any change to either
    # (an upgrade, an edited checkout) starts a fresh cache.
    package = Path(__file__).parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".gz") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(package)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


class Cache:
    """Findings keyed by file content, tool version and data, rules, and settings.

    One small file per entry, written by rename: concurrent runs never see a torn
    entry, and the worst a race does is compute an entry twice.
    """

    def __init__(self, directory: str):
        self.directory = Path(directory) / _code_fingerprint()

    def key(self, content: bytes, settings: str, fixes: bool) -> str:
        h = hashlib.sha256(content)
        h.update(settings.encode())
        h.update(b"fixes" if fixes else b"-")
        return h.hexdigest()

    def get(self, key: str) -> Optional[dict]:
        try:
            with open(self.directory / key[:2] / key, "rb") as handle:
                return json.loads(handle.read())
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: dict) -> None:
        folder = self.directory / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "w") as handle:
                json.dump(value, handle)
            os.replace(tmp, folder / key)
        except OSError:
            pass  # a cache that cannot be written is only slower


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "hub-dist-lint")


def check_one(display: str, path: Optional[str], config, fixes: bool,
              cache_dir: Optional[str], stdin: Optional[bytes] = None) -> Outcome:
    """Lint one file. Never raises for a bad file: the outcome carries the reason."""
    from .diagnostics import LintError
    from .engine import analyze

    try:
        source = stdin if path is None else read_bytes(path)
    except OSError as exc:
        return Outcome(display, error=(exc.strerror or str(exc), None, None))
    cache = Cache(cache_dir) if cache_dir else None
    key = cache.key(source, repr(config), fixes) if cache else None
    if cache:
        hit = cache.get(key)
        if hit is not None:
            return Outcome(display, [Record(**dict(r, path=display)) for r in hit["records"]],
                           tuple(hit["error"]) if hit["error"] else None, hit["parsed"], True)
    try:
        analysis = analyze(source, display, config, fixes=fixes)
    except LintError as exc:
        outcome = Outcome(display, error=(exc.reason, exc.line, exc.column))
    except RecursionError:
        outcome = Outcome(display, error=("too deeply nested to check", None, None))
    else:
        records = []
        for diag in analysis.diagnostics:
            fix = None
            if fixes and diag.fix is not None:
                from .fixing import fix_as_json

                fix = fix_as_json(analysis, diag)
            records.append(Record(display, diag.line, diag.column, diag.end_line,
                                  diag.end_column, diag.code, diag.message, fix))
        outcome = Outcome(display, records, None, analysis.parsed)
    if cache and path is not None:
        cache.put(key, {"records": [asdict(r) for r in outcome.records], "error": outcome.error,
                        "parsed": outcome.parsed})
    return outcome


def _run_batch(job):
    function, batch = job
    return [function(*item) for item in batch]


def in_parallel(function, work: Sequence[tuple], jobs: int = 0, progress=None) -> Iterator:
    """`function(*item)` for every item, in the items' order, over `jobs` processes
    (0: all cores). Small runs stay in this process (a pool costs more than it saves)."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(work) < 16:
        for item in work:
            result = function(*item)
            if progress:
                progress(1)
            yield result
        return
    # Batches keep inter-process traffic low; results come back in submission order.
    size = max(1, min(32, len(work) // (jobs * 8)))
    batches = [(function, work[i:i + size]) for i in range(0, len(work), size)]
    with ProcessPoolExecutor(jobs) as pool:
        for results in pool.map(_run_batch, batches):
            if progress:
                progress(len(results))
            yield from results


def run(items: Sequence[Tuple[str, Optional[str], object]], jobs: int = 0, fixes: bool = False,
        cache_dir: Optional[str] = None, stdin: Optional[bytes] = None,
        progress=None) -> Iterator[Outcome]:
    """Outcomes for (display, path or None for stdin, config) items, in the items' order."""
    work = [(d, p, c, fixes, cache_dir, stdin if p is None else None) for d, p, c in items]
    yield from in_parallel(check_one, work, jobs, progress)


@dataclass
class FixOutcome:
    """One file through the fixer: its bytes before and after, and what was left."""

    display: str
    path: Optional[str]  # None: standard input
    source: bytes = b""
    new: bytes = b""
    fixed: int = 0
    left: List[Tuple[int, int, str, str, Optional[str]]] = field(default_factory=list)
    error: Optional[Tuple[str, Optional[int], Optional[int]]] = None  # (reason, line, column)


def fix_one(display: str, path: Optional[str], config, stdin: Optional[bytes] = None) -> FixOutcome:
    """Fix one file's bytes (written by the caller). Never raises for a bad file."""
    from .diagnostics import LintError
    from .fixing import fix_source

    try:
        source = stdin if path is None else read_bytes(path)
    except OSError as exc:
        return FixOutcome(display, path, error=(exc.strerror or str(exc), None, None))
    if config is None:  # stdin named after an excluded file, with --force-exclude
        return FixOutcome(display, path, source, source)
    try:
        new, fixed, left = fix_source(source, display, config)
    except LintError as exc:
        return FixOutcome(display, path, source, source, error=(exc.reason, exc.line, exc.column))
    except RecursionError:
        return FixOutcome(display, path, source, source, error=("too deeply nested to check", None, None))
    return FixOutcome(display, path, source, new, len(fixed),
                      [(d.line, d.column, d.code, d.message, d.no_fix_reason) for d in left])


class Progress:
    """A one-line progress bar on stderr, only for a terminal and big runs."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self.done = 0
        self.enabled = enabled and total > 300 and sys.stderr.isatty()

    def __call__(self, count: int) -> None:
        if not self.enabled:
            return
        self.done += count
        width = 30
        filled = width * self.done // self.total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
        if self.done >= self.total:
            sys.stderr.write("\r" + " " * (width + 30) + "\r")
        sys.stderr.flush()
