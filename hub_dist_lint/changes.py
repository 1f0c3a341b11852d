"""Lazy access to ``data/distribute_changes.json`` (see its generator) and the API map.

Every release claim the HDL3xx/HDL4xx rules print is computed here from generated
data: which releases define a Strategy method or deprecate it, which public names
exist (``apimap``), which real packages under ``tensorflow/`` hide an API
namespace from the import system.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, Optional, Tuple

from . import apimap
from .releases import ReleaseSet

_FILE = Path(__file__).resolve().parent / "data" / "distribute_changes.json"
_cache: Dict[str, object] = {}


def data() -> dict:
    d = _cache.get("data")
    if d is None:
        d = _cache["data"] = json.loads(_FILE.read_text("utf-8"))
    return d  # type: ignore[return-value]


def releases() -> Tuple[str, ...]:
    return tuple(data()["releases"])


def release_set(mask: int) -> ReleaseSet:
    return ReleaseSet(mask, releases())


def has(mask: int, release: str) -> bool:
    return release in release_set(mask)


def rels(mask: int) -> Tuple[str, ...]:
    return release_set(mask).releases


def span(found: Tuple[str, ...]) -> str:
    """("2.2", "2.3") -> "2.2–2.3", written as every message writes releases."""
    return ReleaseSet.of(found, releases()).text()


def first_since(mask: int, release: str) -> Optional[str]:
    """First release of the run of releases in `mask` that ends with `release`."""
    return release_set(mask).since(release)


def since_text(mask: int, release: str) -> str:
    return release_set(mask).since_text(release)


def removed_in(mask: int, release: str) -> Optional[str]:
    """The release after the last one in `mask` before `release` (None if present in it)."""
    return release_set(mask).removed_in(release)


# -- Strategy methods -----------------------------------------------------------

def method(name: str) -> Optional[dict]:
    return data()["strategy_methods"].get(name)


# -- public names (apimap) ------------------------------------------------------

def deprecated_symbol(public: str) -> Optional[dict]:
    return data()["deprecated_symbols"].get(public)


def symbol_fix(public: str) -> Optional[str]:
    return data()["symbol_fixes"].get(public)


def constructor_params(public: str) -> Optional[dict]:
    return data()["constructor_params"].get(public)


def contrib_replacement(name: str) -> Optional[str]:
    return data()["contrib_distribute"].get(name)


def contrib_distribute_import(path: str, bound: str) -> bool:
    """The imports HDL304 reports: of `tensorflow.contrib.distribute...`, or of
    `tensorflow.contrib` bound as `distribute`."""
    return path.startswith("tensorflow.contrib.distribute") or (
        path == "tensorflow.contrib" and (bound or "") == "distribute")


def public_module_exists(public: str, release: str) -> bool:
    """`tf.a.b` is a generated API package (tensorflow/_api/v2/a/b/) in `release`."""
    return bool(apimap.public_module_mask(public) >> apimap.releases().index(release) & 1)


# -- import resolution of tensorflow.<namespace> ----------------------------------

def wheel_package(module: str, release: str) -> Optional[dict]:
    """A real package/module under tensorflow/ in the wheel of `release`, or None."""
    entry = data()["namespace_packages"].get(module)
    if entry is None or not has(entry["releases"], release):
        return None
    return {"package": entry["package"], "empty": has(entry["empty"], release)}


def resolve_module(path: str, release: str) -> Tuple[str, Optional[str]]:
    """How `import <path>` resolves for a path under `tensorflow.` in `release`.

    `tensorflow/__init__.py` appends the generated API directory to the package's
    `__path__` after the wheel's own directory, so `tensorflow.<ns>` is the real
    package `tensorflow/<ns>/` when the wheel has one (an empty placeholder,
    hiding the API namespace) and the API package `tensorflow/_api/v2/<ns>/`
    otherwise. Returns one of
      ("api", None)        the API package: importable;
      ("wheel", None)      a real package of the wheel: importable, but (empty) it
                           binds nothing of the API;
      ("missing", prefix)  ModuleNotFoundError; `prefix` is the wheel package that
                           hid the namespace (None if no namespace was hidden);
      ("unknown", None)    not modelled (tensorflow.keras, non-empty placeholders).
    """
    parts = path.split(".")
    if parts[0] != "tensorflow" or len(parts) < 2:
        return "unknown", None
    if parts[1] == "keras":  # __path__ starts with the Keras package's API directory
        return "unknown", None
    top = "tensorflow." + parts[1]
    if data()["api_dir_appended"] >> releases().index(release) & 1 == 0:
        return "unknown", None
    if wheel_package(top, release) is None:
        if public_module_exists("tf." + ".".join(parts[1:]), release):
            return "api", None
        return "missing", None
    hidden = None
    for k in range(2, len(parts) + 1):
        module = ".".join(parts[:k])
        entry = wheel_package(module, release)
        if entry is None:
            return "missing", hidden
        if not entry["empty"]:
            return "unknown", None
        hidden = module
    return "wheel", None
