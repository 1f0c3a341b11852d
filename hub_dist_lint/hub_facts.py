"""tensorflow_hub facts: its public names and modules in every release 0.7.0-0.16.1, and
which hub release goes with a TensorFlow target.

Read from generated data (``data/hub_api.json``, from the hub wheels by
``data/generate_hub_api.py``) plus one hand-written table of what replaces the TF 1 API
(``data/hub_successors.json``, from tensorflow_hub's migration docs: semantics, not
something a wheel says). Nothing here imports tensorflow_hub.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Tuple

from .releases import ReleaseSet

PACKAGE = "tensorflow_hub"
DISTRIBUTION = "tensorflow-hub"
_DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def data() -> dict:
    return json.loads((_DATA / "hub_api.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _successors() -> dict:
    return json.loads((_DATA / "hub_successors.json").read_text(encoding="utf-8"))["successors"]


def releases() -> Tuple[str, ...]:
    """The hub releases the data covers, oldest first ("0.7.0" ... "0.16.1")."""
    return tuple(data()["releases"])


def latest_release() -> str:
    return releases()[-1]


def _set(mask: int) -> ReleaseSet:
    return ReleaseSet(mask, releases())


@dataclass(frozen=True)
class HubName:
    """One public name of `tensorflow_hub` (`hub.Module`) over the releases."""

    name: str
    releases: ReleaseSet  # the hub releases whose package binds it
    home: str  # where it is defined: tensorflow_hub.module.Module
    kind: str  # class, function, value
    note: Optional[str]  # the deprecation warning of its docstring, if any
    guarded: Tuple[Tuple[str, str], ...]  # (release, condition) where its binding is conditional
    successor: Optional[str]  # what replaces it (hand-written, from hub's migration docs)

    def in_release(self, release: str) -> bool:
        return release in self.releases

    def removed_in(self, release: str) -> Optional[str]:
        """The first hub release without it, when `release` lacks it and an earlier one had it."""
        return self.releases.removed_in(release)

    def history(self) -> str:
        """'tensorflow_hub 0.7.0–0.15.0' (or earlier: the data starts at 0.7.0)."""
        text = f"tensorflow_hub {self.releases.text()}"
        return text + (" (and earlier)" if self.releases.first == releases()[0] else "")


def name(public: str) -> Optional[HubName]:
    """`Module` (or `hub.Module`, `tensorflow_hub.Module`) -> its history; None when no
    release in the data binds it."""
    for prefix in ("hub.", PACKAGE + "."):
        if public.startswith(prefix):
            public = public[len(prefix):]
    entry = data()["names"].get(public)
    if entry is None:
        return None
    return HubName(public, _set(entry["releases"]), entry["home"], entry["kind"],
                   entry.get("note"), tuple(sorted(entry.get("guarded", {}).items())),
                   _successors().get(public))


def names_at(release: str) -> Tuple[str, ...]:
    """The public names `import tensorflow_hub` binds in that release."""
    return tuple(n for n, e in data()["names"].items() if release in _set(e["releases"]))


def ever_names() -> Tuple[str, ...]:
    return tuple(data()["names"])


def module_releases(module: str) -> ReleaseSet:
    """The hub releases that ship `tensorflow_hub.x` (empty set when none does)."""
    return _set(data()["modules"].get(module, 0))


def star_import_missing(release: str) -> Tuple[str, ...]:
    """Names `__all__` lists in that release that the package does not bind: `from
    tensorflow_hub import *` raises AttributeError on the first of them."""
    return tuple(data()["star_missing"].get(release, ()))


# -- the hub release a file meets -----------------------------------------------------------


@dataclass(frozen=True)
class HubTarget:
    release: str
    reason: str  # why that release: for messages


def for_tensorflow(tf_release: str) -> HubTarget:
    """The hub release `pip install tensorflow-hub` gives beside TensorFlow `tf_release`:
    the newest one whose requirements allow it (data: `hub_for_tf`)."""
    release = data()["hub_for_tf"].get(tf_release) or latest_release()
    return HubTarget(release, f"tensorflow-hub {release}, what pip installs beside TF {tf_release}")


def release_allowed(spec) -> Optional[str]:
    """The newest hub release in the data a `packaging` SpecifierSet allows, or None."""
    for release in reversed(releases()):
        if spec.contains(release, prereleases=True):
            return release
    return None
