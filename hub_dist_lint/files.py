"""Which files a run looks at, and reading them without surprises."""

from __future__ import annotations

import fnmatch
import os
from functools import lru_cache
from typing import Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Tuple, TypeVar, Union

T = TypeVar("T")

# What a directory walk collects: Python files and Jupyter notebooks (as ruff does).
SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")
NOTEBOOK_SUFFIX = ".ipynb"

# Name globs, or a predicate on a path under a walked directory (configuration-aware).
Exclude = Union[Sequence[str], Callable[[str], bool]]

# Directories nobody wants linted (ruff's defaults, plus build output).
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox",
    ".pants.d", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", "__pypackages__",
    "_build", "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
    "__pycache__", ".hub-dist-lint-cache", "*.egg-info",
)


def excluded_name(name: str, patterns: Sequence[str] = DEFAULT_EXCLUDE) -> bool:
    """A file or directory name some exclude pattern matches."""
    return any(fnmatch.fnmatch(name, p) for p in patterns)


def discover(paths: Iterable[str], exclude: Exclude = DEFAULT_EXCLUDE,
             seen: Optional[DirectoryNames] = None) -> Tuple[List[str], List[Tuple[str, str]]]:
    """Python files and notebooks under `paths`, sorted; plus (path, reason) for paths
    that do not exist.

    Files named explicitly are always checked, whatever their name; directories are
    walked for *.py/*.pyi/*.ipynb without following symlinked directories (no loops).
    `seen` keeps what the walk listed in each directory.
    """
    found: List[str] = []
    missing: List[Tuple[str, str]] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(_walk(path, exclude, seen))
        elif os.path.exists(path) or os.path.islink(path):
            found.append(path)
        else:
            missing.append((path, "no such file or directory"))
    return sorted(dict.fromkeys(found)), missing


def _walk(root: str, exclude: Exclude, seen: Optional[DirectoryNames] = None) -> Iterator[str]:
    if callable(exclude):
        skip = exclude
    else:
        def skip(path: str) -> bool:
            return excluded_name(os.path.basename(path), exclude)
    for directory, dirnames, filenames in os.walk(root):
        if seen is not None:  # before `skip` asks for this directory's settings
            seen.saw(directory, dirnames + filenames)
        dirnames[:] = sorted(d for d in dirnames if not skip(os.path.join(directory, d)))
        for name in filenames:
            path = os.path.join(directory, name)
            if name.endswith(SOURCE_SUFFIXES) and not skip(path):
                yield path


def nearest_upward(directory: str, probe: Callable[[str], Optional[T]],
                   stops_at: Optional[Callable[[str], bool]] = None,
                   memo: Optional[Dict[str, Optional[T]]] = None) -> Optional[T]:
    """`probe(d)` for the nearest directory `d` at or above `directory` where it is not
    None, else None; the search also ends at a directory `stops_at` says is a root.
    `memo`: this probe's answers for directories, kept by the caller for one run (a walk
    asks about every directory below the same few)."""
    current = os.path.abspath(directory)
    visited = []
    found = None
    while True:
        if memo is not None and current in memo:
            found = memo[current]
            break
        visited.append(current)
        found = probe(current)
        if found is not None:
            break
        parent = os.path.dirname(current)
        if parent == current or (stops_at is not None and stops_at(current)):
            break
        current = parent
    if memo is not None:
        memo.update(dict.fromkeys(visited, found))
    return found


class DirectoryNames:
    """The names a walk saw in each directory it listed: probes for configuration,
    requirement and root files answer from them instead of a stat per candidate name
    (a walk asks every directory). For other directories `listed` is None: stat."""

    def __init__(self):
        self._names: Dict[str, FrozenSet[str]] = {}

    def saw(self, directory: str, names: Iterable[str]) -> None:
        self._names[os.path.abspath(directory)] = frozenset(names)

    def listed(self, directory: str) -> Optional[FrozenSet[str]]:
        return self._names.get(directory)


def is_notebook(path: Optional[str]) -> bool:
    return bool(path) and path.lower().endswith(NOTEBOOK_SUFFIX)


@lru_cache(maxsize=4096)
def _top_package(directory: str) -> Optional[str]:
    """The top-level package a directory belongs to (walking up `__init__.py` files;
    each directory is asked once, its parent's answer reused)."""
    if not (os.path.isfile(os.path.join(directory, "__init__.py")) or
            os.path.isfile(os.path.join(directory, "__init__.pyi"))):
        return None
    parent = os.path.dirname(directory)
    return (_top_package(parent) if parent != directory else None) or os.path.basename(directory)


def own_package(path: str) -> Optional[str]:
    """The top-level package the file at `path` lies in, if any (`tf_keras` for
    .../tf_keras/src/engine/training.py)."""
    if not path or path.startswith("<") or path == "-":
        return None
    try:
        directory = os.path.dirname(os.path.abspath(path))
    except (OSError, ValueError):
        return None
    return _top_package(directory)


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def toml_module():
    """tomllib (Python 3.11+), or its backport tomli before that."""
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python < 3.11
        import tomli as tomllib
    return tomllib
