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


def changing_names() -> Tuple[str, ...]:
    """Names and top-level modules of tensorflow_hub some release in the data lacks: the
    only ones a hub release can be missing."""
    every = (1 << len(releases())) - 1
    names = [n for n, e in data()["names"].items() if e["releases"] != every]
    modules = [m.split(".")[1] for m, mask in data()["modules"].items() if mask != every]
    return tuple(sorted(set(names + modules)))


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


# -- `hub-dist-lint explain hub.Module` --------------------------------------------------------


def is_hub_query(query: str) -> bool:
    return query in ("hub", PACKAGE) or query.startswith(("hub.", PACKAGE + "."))


def explain(query: str, tf_release: str) -> dict:
    """The history of a tensorflow_hub name or module, as an `explain` record (`lines` of
    (key, text)), for `hub.Module`, `tensorflow_hub.Module`, `tensorflow_hub.module`."""
    short = query.split(".", 1)[1] if "." in query else ""
    covered = f"tensorflow_hub {ReleaseSet((1 << len(releases())) - 1, releases()).text()}"
    pip = for_tensorflow(tf_release)
    rec: dict = {"query": query, "name": f"hub.{short}", "found": True, "kind": None,
                 "data_releases": list(releases())}
    found = name(short) if short else None
    if found is not None:
        rec.update(kind=f"tensorflow_hub {found.kind}", releases=list(found.releases),
                   removed_in=found.releases.after_last(), home=found.home,
                   successor=found.successor)
        lines = [("what", f"a public name of tensorflow_hub: {found.kind} {found.home}"),
                 ("releases", f"tensorflow_hub {found.releases.text()} (data covers {covered})")]
        for guard in sorted({g for _, g in found.guarded}):
            under = ReleaseSet.of([r for r, g in found.guarded if g == guard], releases())
            lines.append(("conditional", f"in tensorflow_hub {under.text()} bound under `{guard}`"))
        gone = found.releases.after_last()
        lines.append(("status", f"removed in tensorflow_hub {gone}: AttributeError with "
                                f"{pip.reason}" if gone else f"present in tensorflow_hub {latest_release()}"))
        if found.note:
            lines.append(("deprecated", f"{found.note} (its docstring in {found.releases.last})"))
        if found.successor:
            lines.append(("instead", f"{found.successor} (from tensorflow_hub's migration docs)"))
        rec["summary"] = (f"hub.{short} was in tensorflow_hub {found.releases.text()}"
                          + (f" and is gone since {gone}" if gone else ""))
        rec["lines"] = lines
        return rec
    module = query if query.startswith(PACKAGE) else PACKAGE + query[len("hub"):]
    shipped = module_releases(module)
    if shipped or module == PACKAGE:
        shipped = shipped or ReleaseSet((1 << len(releases())) - 1, releases())
        gone = shipped.after_last()
        rec.update(name=module, kind="tensorflow_hub module", releases=list(shipped), removed_in=gone)
        rec["lines"] = [("what", "a module of the tensorflow_hub package"),
                        ("releases", f"tensorflow_hub {shipped.text()} (data covers {covered})"),
                        ("status", f"removed in tensorflow_hub {gone}: ModuleNotFoundError with "
                                   f"{pip.reason}" if gone else
                                   f"present in tensorflow_hub {latest_release()}")]
        rec["summary"] = f"{module} shipped in tensorflow_hub {shipped.text()}"
        return rec
    rec.update(found=False, summary=f"{query}: not a public name or module of {covered}",
               did_you_mean=[f"hub.{n}" for n in ever_names() if n.lower() == short.lower()],
               lines=[])
    return rec
