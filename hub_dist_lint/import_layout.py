"""Whether an import of `tensorflow...`, `keras...` or `tf_keras...` works in a release,
judged from the wheels' file layout (``data/import_layout.json.gz``), never by importing.

The generator (``data/wheel_layout.py``, run by ``generate_api_map``) records for
every release the modules, packages and plain directories of the ``tensorflow-cpu``
wheel and of the Keras wheels read with it, the ``__path__`` each package's
``__init__.py`` sets up (TensorFlow's puts the generated API directory and the Keras
API directories on ``tensorflow.__path__``), and the names API packages bind. The
resolver here follows Python's path finder over that layout:

* ``import a.b.c`` finds each part in the ``__path__`` of the package before it:
  a directory with ``__init__.py`` (a package) wins over a module file (``.py`` or
  an extension), which wins over a plain directory (a namespace portion); the first
  directory of ``__path__`` that has one decides.
* ``from a.b import n`` works when ``a.b`` imports and binds ``n``, or ``a.b.n`` is a
  submodule.

Answers are ``"ok"``, ``"missing"`` or ``"unknown"``; "unknown" whenever the layout
does not decide (a top-level package not read for that release, a directory of a
package outside the wheels such as tensorflow_estimator, a module whose names are not
recorded or that binds names at run time). Where ``__path__`` depends on the
environment (``TF_USE_LEGACY_KERAS``), every variant is tried: "ok" in any is "ok".
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple

_FILE = Path(__file__).resolve().parent / "data" / "import_layout.json.gz"

OK, MISSING, UNKNOWN = "ok", "missing", "unknown"

# entry kinds (bit flags of one dotted path in one release)
PACKAGE, MODULE, DIRECTORY, OPAQUE = 1, 2, 4, 8
KINDS = (PACKAGE, MODULE, DIRECTORY, OPAQUE)
# a __path__ entry that is a directory outside the wheels read: "?ext:<dir>:<child>"
# (it is known to hold <child> only), or "?" (not understood)
EXTERNAL, UNREADABLE = "?ext:", "?"

_cache: Dict[str, object] = {}


def data() -> dict:
    d = _cache.get("data")
    if d is None:
        with gzip.open(_FILE, "rb") as fh:
            d = _cache["data"] = json.loads(fh.read())
    return d  # type: ignore[return-value]


def releases() -> Tuple[str, ...]:
    return tuple(data()["releases"])


class Layout:
    """One release's view: what the resolver asks of the data."""

    def entry(self, dotted: str) -> int:
        raise NotImplementedError

    def path_variants(self, package: str) -> List[Tuple[str, ...]]:
        raise NotImplementedError

    def names(self, module: str) -> Optional[Tuple[FrozenSet[str], bool]]:
        """(names bound at import, binds more at run time?) or None if not recorded."""
        raise NotImplementedError

    def roots(self) -> FrozenSet[str]:
        raise NotImplementedError


class ShippedLayout(Layout):
    """The release ``release`` of the shipped data (bitmasks over ``releases``)."""

    def __init__(self, release: str):
        self.bit = 1 << releases().index(release)
        self.release = release
        self._names: Dict[str, Optional[Tuple[FrozenSet[str], bool]]] = {}

    def entry(self, dotted: str) -> int:
        masks = data()["entries"].get(dotted)
        if not masks:
            return 0
        return sum(kind for kind, mask in zip(KINDS, masks) if mask & self.bit)

    def path_variants(self, package: str) -> List[Tuple[str, ...]]:
        for mask, variants in data()["paths"].get(package, ()):
            if mask & self.bit:
                return [tuple(v) for v in variants]
        return [(package,)]

    def names(self, module: str):
        if module not in self._names:
            entry = data()["names"].get(module)
            if entry is None or not entry["recorded"] & self.bit:
                self._names[module] = None
            else:
                bound = frozenset(n for n, mask in entry["names"].items() if mask & self.bit)
                self._names[module] = (bound, bool(entry["dynamic"] & self.bit))
        return self._names[module]

    def roots(self) -> FrozenSet[str]:
        return frozenset(r for r, mask in data()["roots"].items() if mask & self.bit)


@lru_cache(maxsize=64)
def layout(release: str) -> ShippedLayout:
    return ShippedLayout(release)


# ---------------------------------------------------------------------------
# the path finder


@dataclass(frozen=True)
class Found:
    """Where a dotted name resolved to: a package, a module file or a namespace package."""

    kind: str                      # "package", "module" or "namespace"
    file: str                      # dotted path of the file/directory in the wheels
    portions: Tuple[str, ...] = ()  # a namespace package's directories


def find_in(lay: Layout, directories: Iterable[str], name: str):
    """Python's path finder over ``directories`` for ``name``: Found, None or UNKNOWN."""
    portions: List[str] = []
    for directory in directories:
        if directory.startswith(EXTERNAL):
            child = directory.rsplit(":", 1)[1]
            if child == name:
                return UNKNOWN
            continue
        if directory == UNREADABLE or lay.entry(directory) & OPAQUE:
            return UNKNOWN
        dotted = f"{directory}.{name}"
        kind = lay.entry(dotted)
        if kind & PACKAGE:
            return Found("package", dotted)
        if kind & MODULE:
            return Found("module", dotted)
        if kind & (DIRECTORY | OPAQUE):
            portions.append(dotted)
    if portions:
        return Found("namespace", portions[0], tuple(portions))
    return None


def children_paths(lay: Layout, found: Found) -> List[Tuple[str, ...]]:
    if found.kind == "namespace":
        return [found.portions]
    if found.kind == "package":
        return lay.path_variants(found.file)
    return []


@dataclass(frozen=True)
class Resolution:
    status: str                         # OK, MISSING or UNKNOWN
    found: Tuple[Found, ...] = ()       # what it resolved to (status OK)
    failed_at: Optional[str] = None     # the first dotted prefix that does not import
    not_a_package: Optional[str] = None  # ... because this prefix is a plain module


def resolve_with(lay: Layout, dotted: str) -> Resolution:
    parts = dotted.split(".")
    if parts[0] not in lay.roots():
        return Resolution(UNKNOWN)
    top = lay.entry(parts[0])
    if not top & PACKAGE:
        return Resolution(UNKNOWN)
    states = {Found("package", parts[0])}
    unknown = False
    for depth in range(1, len(parts)):
        nxt = set()
        plain = None
        for state in states:
            paths = children_paths(lay, state)
            if not paths:
                plain = plain or state.file
            for directories in paths:
                got = find_in(lay, directories, parts[depth])
                if got == UNKNOWN:
                    unknown = True
                elif got is not None:
                    nxt.add(got)
        if not nxt:
            if unknown:
                return Resolution(UNKNOWN)
            prefix = ".".join(parts[: depth + 1])
            return Resolution(MISSING, failed_at=prefix,
                              not_a_package=".".join(parts[:depth]) if plain else None)
        states = nxt
    return Resolution(OK, tuple(sorted(states, key=lambda f: (f.kind, f.file))))


def from_import_with(lay: Layout, module: str, name: str) -> Tuple[str, Optional[Resolution]]:
    """(OK | MISSING | UNKNOWN, the module's resolution) for ``from module import name``."""
    res = resolve_with(lay, module)
    if res.status != OK:
        return res.status, res
    verdict = MISSING
    for found in res.found:
        if found.kind != "namespace":
            recorded = lay.names(found.file)
            if recorded is None:
                verdict = UNKNOWN
                continue
            bound, dynamic = recorded
            if name in bound:
                return OK, res
            if dynamic:
                verdict = UNKNOWN
        for directories in children_paths(lay, found):
            got = find_in(lay, directories, name)
            if got == UNKNOWN:
                verdict = UNKNOWN
            elif got is not None:
                return OK, res
    return verdict, res


@lru_cache(maxsize=65536)
def resolve(dotted: str, release: str) -> Resolution:
    """How ``import <dotted>`` fares in ``release``."""
    return resolve_with(layout(release), dotted)


@lru_cache(maxsize=65536)
def from_import(module: str, name: str, release: str) -> str:
    """OK, MISSING or UNKNOWN for ``from <module> import <name>`` in ``release``."""
    return from_import_with(layout(release), module, name)[0]


KERAS3_TF_KERAS = "keras._tf_keras.keras"  # what tf.keras is with Keras 3 (TF 2.16 and later)


def keras3_unbound(attributes: Tuple[str, ...], release: str) -> Optional[str]:
    """For ``tf.keras.<attributes>`` with Keras 3: the first prefix that is provably not an
    attribute after ``import tensorflow`` (its package's ``__init__`` does not bind it,
    as ``keras._tf_keras.keras`` of Keras 3.15 does not bind ``saving``), else None.

    Followed only through the files of ``keras/_tf_keras/keras/``; where a name is bound
    to something elsewhere, or the file is not recorded, nothing is claimed.
    """
    lay = layout(release)
    if not lay.entry(KERAS3_TF_KERAS) & PACKAGE:
        return None
    module = KERAS3_TF_KERAS
    for depth, name in enumerate(attributes):
        recorded = lay.names(module)
        if recorded is None or recorded[1]:
            return None
        if name not in recorded[0]:
            return "tf.keras." + ".".join(attributes[: depth + 1])
        module = f"{module}.{name}"
        if not lay.entry(module) & PACKAGE:
            return None
    return None


def is_read(dotted: str, release: str) -> bool:
    """Whether the top-level package of ``dotted`` is among the wheels read for ``release``."""
    return dotted.split(".")[0] in layout(release).roots()


def versions(release: str) -> Dict[str, str]:
    """Distribution -> version read for ``release`` ({"tensorflow-cpu": "2.21.0", ...})."""
    return dict(data()["versions"].get(release, {}))
