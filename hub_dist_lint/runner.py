"""Checking many files: a process pool, a content cache, deterministic order.

Workers return plain data (no CST nodes cross process boundaries): the findings as
`reporters.Record`s, or the reason a file could not be checked.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

from . import __version__, project_reads
from .files import is_notebook, own_package, read_bytes
from .reporters import Record


# Why a file could not be checked: (reason, line, column, notebook cell)
Error = Tuple[str, Optional[int], Optional[int], Optional[int]]


@dataclass
class Outcome:
    display: str
    records: List[Record] = field(default_factory=list)
    error: Optional[Error] = None
    parsed: bool = False
    cached: bool = False
    note: Optional[str] = None  # which TensorFlow target was used, when not the default
    # what it read of the project around the file (project_reads.py): it holds while they
    # look the same; None when it cannot be trusted (the project changed while it was read)
    depends_on: Optional[list] = field(default_factory=list)
    unread: bool = False  # the file could not be read (nothing about it is cached)


def _error(exc) -> Error:
    """A LintError (or OSError) as an outcome's error."""
    from .diagnostics import LintError

    if isinstance(exc, LintError):
        return (exc.reason, exc.line, exc.column, exc.cell)
    return (exc.strerror or str(exc), None, None, None)


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    # Results depend on the tool's code and its shipped data: any change to either
    # (an upgrade, an edited checkout) starts a fresh cache. Their sizes and mtimes say
    # so without reading a megabyte of data on every run.
    package = Path(__file__).parent
    stamps = [__version__]
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".gz") and "__pycache__" not in path.parts:
            stat = path.stat()
            stamps.append(f"{path.relative_to(package)} {stat.st_size} {stat.st_mtime_ns}")
    return _digest("\n".join(stamps))


def _digest(text: str) -> str:
    """A 64-bit digest of names, stamps and settings (not of file contents: those are
    sha256'd): zlib loads in no time, hashlib's OpenSSL costs a warm run 4 ms."""
    data = text.encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


class Cache:
    """Findings keyed by file content, tool version and data, rules, and settings.

    One small file per entry, written by rename: concurrent runs never see a torn
    entry, and the worst a race does is compute an entry twice.
    """

    def __init__(self, directory: str):
        self.directory = os.path.join(directory, _code_fingerprint())

    def key(self, content: bytes, settings: str, fixes: bool) -> str:
        import hashlib  # for what the run index did not answer

        h = hashlib.sha256(content)
        h.update(settings.encode())
        h.update(b"fixes" if fixes else b"-")
        return h.hexdigest()

    def get(self, key: str) -> Optional[dict]:
        try:
            with open(os.path.join(self.directory, key[:2], key), "rb") as handle:
                return json.loads(handle.read())
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: dict) -> None:
        folder = os.path.join(self.directory, key[:2])
        try:
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "w") as handle:
                json.dump(value, handle)
            os.replace(tmp, os.path.join(folder, key))
        except OSError:
            pass  # a cache that cannot be written is only slower


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "hub-dist-lint")


def _cache_key(cache: "Cache", display: str, source: bytes, config, fixes: bool) -> str:
    return cache.key(source, _file_settings(display, config), fixes)


def _file_settings(display: str, config) -> str:
    # findings depend on the file's own package (deliberate imports), not on its text alone
    return _settings_text(config, is_notebook(display), own_package(display))


@lru_cache(maxsize=256)
def _settings_text(config, notebook: bool, package: Optional[str]) -> str:
    return repr(config) + ("ipynb" if notebook else "") + f" package={package}"


@lru_cache(maxsize=256)
def _settings_digest(settings: str) -> str:
    return _digest(settings)


def cached_outcome(display: str, path: str, config, fixes: bool, cache: Cache,
                   looked: Optional[dict] = None) -> Optional[Outcome]:
    """What the cache holds for this file as it is now, or None. Cheap: no rule, no
    libcst and no worker process is needed to answer it. `looked`: the project as this
    run has seen it (project_reads.still_holds)."""
    try:
        source = read_bytes(path)
    except OSError:
        return None  # check_one says why
    entry = cache.get(_cache_key(cache, display, source, config, fixes))
    if entry is not None and entry.get("project") is not None:
        # decided by other files too: only for this very file, while they look the same
        where, probes = entry["project"]
        if where != os.path.abspath(path) or not project_reads.still_holds(probes, looked):
            return None
    return _outcome_of(display, entry)


def _outcome_of(display: str, entry: Optional[dict]) -> Optional[Outcome]:
    """A cache entry as the outcome it records (None stays None)."""
    if entry is None:
        return None
    return Outcome(display, [Record(**dict(r, path=display)) for r in entry["records"]],
                   tuple(entry["error"]) if entry["error"] else None, entry["parsed"], True,
                   entry.get("note"), entry["project"][1] if entry.get("project") else [])


def _entry_of(outcome: Outcome, path: Optional[str] = None) -> dict:
    """What the cache keeps of an outcome (and, for one other files decided, the file's
    place and what it read)."""
    entry = {"records": [dict(vars(r)) for r in outcome.records], "error": outcome.error,
             "parsed": outcome.parsed, "note": outcome.note}
    if outcome.depends_on:
        entry["project"] = [os.path.abspath(path) if path else None, outcome.depends_on]
    return entry


class RunIndex:
    """The outcomes of the last run over the same files, by each file's size, mtime and ctime
    (ruff's cache): a run like the last one is answered from one file, without reading
    or hashing a source. Keyed by the working directory, the files' common directory and
    whether fixes were planned; each entry also holds its file's settings. A miss falls
    back to the content cache."""

    def __init__(self, cache: Cache, displays: Sequence[str], fixes: bool):
        try:
            root = os.path.commonpath([os.path.abspath(d) for d in displays]) if displays else ""
        except ValueError:  # paths on different drives
            root = ""
        key = _digest(f"{os.getcwd()}\0{root}\0{fixes}")
        self.path = os.path.join(cache.directory, "runs", key + ".json")
        self.started = time.time_ns()
        try:
            with open(self.path, "rb") as handle:
                self.entries: dict = json.loads(handle.read())
        except (OSError, ValueError):
            self.entries = {}
        self.kept: dict = {}
        self._served: dict = {}  # display -> the entry an outcome was served from
        self.looked: dict = {}  # the project as this run sees it (project_reads.still_holds)

    @staticmethod
    def stamp(path: str, display: str, config) -> Optional[list]:
        """What must not have changed for an entry to hold: size, mtime and ctime (a chmod
        changes the latter), settings."""
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns,
                _settings_digest(_file_settings(display, config))]

    def get(self, display: str, stamp: Optional[list]) -> Optional[Outcome]:
        entry = self.entries.get(display)
        if stamp is None or entry is None or entry[0] != stamp:
            return None
        decided_by = entry[1].get("project")  # other files of the project: still the same?
        if decided_by and not project_reads.still_holds(decided_by[1], self.looked):
            return None
        self._served[display] = entry
        return _outcome_of(display, entry[1])

    def keep(self, display: str, stamp: Optional[list], outcome: Outcome) -> None:
        # a file changed this close to the run's start may change again unseen
        # (project_reads.RACY_NS): the content cache answers for it next time
        if stamp is not None and outcome.depends_on is not None and not outcome.unread \
                and max(stamp[1], stamp[2]) < self.started - project_reads.RACY_NS:
            served = self._served.get(display)
            self.kept[display] = served if served is not None else [stamp, _entry_of(outcome, display)]

    def save(self) -> None:
        """Write the entries kept this run (by rename), unless they are what was read."""
        if self.kept == self.entries:
            return
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(self.path), prefix=".tmp-")
            with os.fdopen(fd, "w") as handle:
                json.dump(self.kept, handle)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a cache that cannot be written is only slower


def check_one(display: str, path: Optional[str], config, fixes: bool,
              cache_dir: Optional[str], stdin: Optional[bytes] = None) -> Outcome:
    """Lint one file (what the cache held is answered by `run` before this), and keep the
    result in the cache. Never raises for a bad file: the outcome carries the reason."""
    from .diagnostics import LintError

    try:
        source = stdin if path is None else read_bytes(path)
    except OSError as exc:
        return Outcome(display, error=_error(exc), unread=True)
    notebook = is_notebook(display)
    with project_reads.recording() as reads:
        try:
            outcome = (_check_notebook if notebook else _check_file)(display, source, config, fixes)
        except LintError as exc:
            outcome = Outcome(display, error=_error(exc))
        except RecursionError:
            outcome = Outcome(display, error=("too deeply nested to check", None, None, None))
    outcome.depends_on = reads.probes() if reads.trusted else None
    if cache_dir and path is not None and outcome.depends_on is not None:
        cache = Cache(cache_dir)
        cache.put(_cache_key(cache, display, source, config, fixes), _entry_of(outcome, path))
    return outcome


def _check_file(display: str, source: bytes, config, fixes: bool) -> Outcome:
    from .engine import PartialTreeMiss, analyze
    from .fixing import fix_as_json

    def records_of(analysis):
        return [Record(display, d.line, d.column, d.end_line, d.end_column, d.code, d.message,
                       fix_as_json(analysis, d) if fixes else None,
                       fix_status=fix_status(d, analysis.config))
                for d in analysis.diagnostics]

    # records say whether a finding has a fix, not why not (hub-dist-fix says that)
    try:
        analysis = analyze(source, display, config, fixes=fixes, partial=True, fix_reasons=False)
        records = records_of(analysis)
    except PartialTreeMiss:  # a fix planned on a skeleton reaches beyond it
        analysis = analyze(source, display, config, fixes=fixes, fix_reasons=False)
        records = records_of(analysis)
    return Outcome(display, records, None, analysis.parsed, note=_note(analysis.config))


def _note(config) -> Optional[str]:
    """What -v says of a file's settings: the target when not the default, legacy-keras."""
    if not config.legacy_keras:
        return config.target_reason
    from . import apimap

    target = config.target_reason or f"TF {config.target_tf or apimap.latest_release()}"
    return (f"{target}; tf.keras read as tf-keras (legacy-keras: the project runs with "
            "TF_USE_LEGACY_KERAS=1)")


def fix_status(diag, config) -> Optional[str]:
    """Record.fix_status of a finding whose fixes were planned."""
    from .diagnostics import UNSAFE
    from .fixing import not_applied_because

    if diag.fix is None:
        return None
    if not_applied_because(diag, config) is None:
        return "applies"
    if diag.fix.applicability == UNSAFE and config.is_fixable(diag.code):
        return "unsafe"
    return "no"


def _check_notebook(display: str, source: bytes, config, fixes: bool) -> Outcome:
    from .notebooks import analyze_notebook, fix_as_json

    analysis = analyze_notebook(source, display, config, fixes=fixes)
    records = [Record(display, f.line, f.column, f.end_line, f.end_column, f.diagnostic.code,
                      f.diagnostic.message, fix_as_json(analysis, f) if fixes else None,
                      f.cell, f.file_line, fix_status(f.diagnostic, analysis.config))
               for f in analysis.findings]
    return Outcome(display, records, None, analysis.parsed, note=analysis.target_note)


def _run_batch(job):
    function, batch = job
    return [function(*item) for item in batch]


# Objects allocated between two runs of CPython's cycle collector (its default is 700).
# Checking files allocates millions of tree nodes and frees nearly all of them by
# reference counting: at the default, the collector took 8-13% of a cold run (tf_keras
# and the user tree in one process) and found next to nothing to free.
CYCLE_COLLECTION_THRESHOLD = 20_000


def _collect_cycles_rarely() -> Tuple[int, int, int]:
    """Raise the collector's first threshold (a pool's workers do this as they start: they
    do nothing but check files); returns the thresholds it had."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], CYCLE_COLLECTION_THRESHOLD), *before[1:])
    return before


@contextmanager
def _rare_cycle_collection() -> Iterator[None]:
    """Collect reference cycles less often while files are checked, then as before."""
    before = _collect_cycles_rarely()
    try:
        yield
    finally:
        gc.set_threshold(*before)


def in_parallel(function, work: Sequence[tuple], jobs: int = 0, progress=None) -> Iterator:
    """`function(*item)` for every item, in the items' order, over `jobs` processes
    (0: all cores). Small runs stay in this process (a pool costs more than it saves)."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(work) < 16:
        with _rare_cycle_collection():
            for item in work:
                result = function(*item)
                if progress:
                    progress(1)
                yield result
        return
    from concurrent.futures import ProcessPoolExecutor  # not for a run the cache answers

    # Batches keep inter-process traffic low; results come back in submission order.
    size = max(1, min(32, len(work) // (jobs * 8)))
    batches = [(function, work[i:i + size]) for i in range(0, len(work), size)]
    with ProcessPoolExecutor(jobs, initializer=_collect_cycles_rarely) as pool:
        for results in pool.map(_run_batch, batches):
            if progress:
                progress(len(results))
            yield from results


def run(items: Sequence[Tuple[str, Optional[str], object]], jobs: int = 0, fixes: bool = False,
        cache_dir: Optional[str] = None, stdin: Optional[bytes] = None,
        progress=None) -> Iterator[Outcome]:
    """Outcomes for (display, path or None for stdin, config) items, in the items' order."""
    work = [(d, p, c, fixes, cache_dir, stdin if p is None else None) for d, p, c in items]
    if not cache_dir:
        yield from in_parallel(check_one, work, jobs, progress)
        return
    cache = Cache(cache_dir)
    index = RunIndex(cache, [d for d, p, _ in items if p is not None], fixes)
    # stamped before a worker reads the file: a change while it is linted is seen next time
    stamps = [None if p is None else index.stamp(p, d, c) for d, p, c in items]
    # What the cache holds is answered here; only the rest goes to the workers (a warm
    # run starts no process and imports no rule).
    if not os.path.isdir(cache.directory):  # nothing cached yet
        known: List[Optional[Outcome]] = [None] * len(items)
    else:
        known = [None if p is None else (index.get(d, stamp) or cached_outcome(d, p, c, fixes, cache, index.looked))
                 for (d, p, c), stamp in zip(items, stamps)]
    if progress:
        progress(sum(outcome is not None for outcome in known))
    checked = in_parallel(check_one, [w for w, o in zip(work, known) if o is None], jobs, progress)
    for (display, path, _), stamp, outcome in zip(items, stamps, known):
        outcome = outcome if outcome is not None else next(checked)
        if path is not None:
            index.keep(display, stamp, outcome)
        yield outcome
    index.save()


@dataclass(frozen=True)
class Left:
    """A finding the fixer left, and why."""

    where: str  # `:line:col` or `:cell N:line:col`
    code: str
    message: str
    reason: Optional[str]


@dataclass
class FixOutcome:
    """One file through the fixer: its bytes before and after, and what was left."""

    display: str
    path: Optional[str]  # None: standard input
    source: bytes = b""
    new: bytes = b""
    fixed: int = 0
    left: List[Left] = field(default_factory=list)
    error: Optional[Error] = None
    notebook: bool = False


def fix_one(display: str, path: Optional[str], config, stdin: Optional[bytes] = None) -> FixOutcome:
    """Fix one file's bytes (written by the caller). Never raises for a bad file."""
    from .diagnostics import LintError, where
    from .fixing import fix_source
    from .notebooks import fix_notebook

    try:
        source = stdin if path is None else read_bytes(path)
    except OSError as exc:
        return FixOutcome(display, path, error=_error(exc))
    notebook = is_notebook(display)
    if config is None:  # stdin named after an excluded file, with --force-exclude
        return FixOutcome(display, path, source, source, notebook=notebook)
    try:
        if notebook:
            new, fixed, found = fix_notebook(source, display, config)
            left = [Left(where(f.line, f.column, f.cell), f.diagnostic.code, f.diagnostic.message,
                         f.diagnostic.no_fix_reason) for f in found]
        else:
            new, fixed, found = fix_source(source, display, config)
            left = [Left(where(d.line, d.column), d.code, d.message, d.no_fix_reason) for d in found]
    except LintError as exc:
        return FixOutcome(display, path, source, source, error=_error(exc), notebook=notebook)
    except RecursionError:
        return FixOutcome(display, path, source, source, notebook=notebook,
                          error=("too deeply nested to check", None, None, None))
    return FixOutcome(display, path, source, new, len(fixed), left, notebook=notebook)


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
