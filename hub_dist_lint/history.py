"""A symbol's history across TF releases, from the shipped map, in words.

Everything here reads the generated data through :mod:`hub_dist_lint.apimap`
(lazily loaded, never TensorFlow itself). Used by the HDL102 message
(:func:`no_public_name`), by ``hub-dist-lint explain`` (:func:`story`) and by
any rule that wants one sentence about a private symbol (:func:`describe`).

"Exists in release R" means *importable as spelled*: ``from <module> import
<name>`` works in R, judged statically from the wheel of R. It holds when the
module exists in R and the name is defined at its top level there, exported
from there by TensorFlow's API files, or bound by an import (the map records
import bindings for the newest release that has the module; older releases
count when the imported target existed then too). The messages, enums and
descriptors that newer protoc output binds at run time (``*_pb2`` modules) are
read from the serialized descriptor in the wheel. Known blind spots of a static parse, measured
against the real 2.21 wheel by tests/test_explain.py (about 0.3% of the ~21,000
claims): names bound only under ``if``/``try`` (``if __name__ == "__main__"``),
through ``globals()``, by a module-level ``__getattr__`` (moved-module shims), or
by imports from outside TensorFlow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

from . import apimap
from .releases import DASH, ReleaseSet



# ---------------------------------------------------------------------------
# release arithmetic


def release_ranges(releases: Sequence[str]) -> str:
    """("2.3", "2.4", "2.7") -> "2.3–2.4, 2.7" ("" for none), as every message writes them."""
    order = apimap.releases()
    wanted = [r for r in releases if r in order]
    return ReleaseSet.of(wanted, order).text() if wanted else ""


def covered() -> str:
    """"2.2–2.21": the releases the data covers."""
    order = apimap.releases()
    return f"{order[0]}{DASH}{order[-1]}"


def release_after(release: str) -> Optional[str]:
    order = apimap.releases()
    index = order.index(release)
    return order[index + 1] if index + 1 < len(order) else None


def _rels(mask: int) -> Tuple[str, ...]:
    return tuple(r for i, r in enumerate(apimap.releases()) if mask >> i & 1)


def _newest_bit(mask: int) -> int:
    return 1 << (mask.bit_length() - 1) if mask else 0


# ---------------------------------------------------------------------------
# hand-written hints


@lru_cache(maxsize=1)
def _hints() -> Dict[str, dict]:
    # Hand-written advice for symbols people import by mistake; the public<->private
    # map itself is generated, never typed. Each entry: {"what": what the symbol
    # was, "instead": what to do instead}; a plain string is taken as "instead".
    raw = json.loads((Path(__file__).parent / "data" / "hints.json").read_text("utf-8"))
    return {k: ({"instead": v} if isinstance(v, str) else dict(v)) for k, v in raw.items()}


def hint_parts(path: str) -> Dict[str, str]:
    return dict(_hints().get(path, {}))


# ---------------------------------------------------------------------------
# importability, from the map


def split_module(path: str) -> Tuple[Optional[str], Tuple[str, ...]]:
    """Longest dotted prefix of ``path`` that was a module in some release."""
    parts = path.split(".")
    for k in range(len(parts), 0, -1):
        mod = ".".join(parts[:k])
        if apimap.is_module_path(mod):
            return mod, tuple(parts[k:])
    return None, tuple(parts)


def _module_mask(module: str) -> int:
    """Releases in which ``module`` itself (this spelling) was a module."""
    return apimap.module_mask(module)


def _importable_mask(path: str, depth: int = 0) -> int:
    mod, rest = split_module(path)
    if mod is None:
        return 0
    mmask = _module_mask(mod)
    if not rest:
        return mmask
    name = rest[0]
    top = f"{mod}.{name}"
    mask = apimap.symbol_mask(mod, name) | apimap.exported_mask(top) | _module_mask(top)
    target = apimap.import_alias(mod, name)
    if target is not None:
        # bound by an import in the newest release having the module (the map
        # keeps only such aliases); before that, wherever the target existed
        mask |= _newest_bit(mmask)
        if depth < 8:
            mask |= _importable_mask(target, depth + 1)
    return mask & mmask


def exists_in(path: str) -> Tuple[str, ...]:
    """Releases in which ``from <module> import <name>`` works for this exact spelling."""
    return _rels(_importable_mask(path))


# ---------------------------------------------------------------------------
# the whole story of one private path


@dataclass(frozen=True)
class Story:
    """What the shipped data says about one private dotted path."""

    path: str
    kind: str                      # "symbol", "module" or "unknown"
    module: Optional[str]          # its module (longest prefix that was a module)
    exists: Tuple[str, ...]        # releases where it is importable as spelled
    defined: Tuple[str, ...]       # releases where its module defines it at top level
    home: str                      # defining home, following re-exports (newest release)
    home_exists: Tuple[str, ...]   # releases where the home is importable
    public: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    use: Optional[str] = None      # best public name in the newest release
    counterpart: Optional[dict] = None
    what: Optional[str] = None     # hand-written: what it was
    instead: Optional[str] = None  # hand-written: what to do instead

    @property
    def known(self) -> bool:
        return bool(self.exists or self.public or self.home_exists)

    @property
    def was_public(self) -> Tuple[str, ...]:
        order = apimap.releases()
        return tuple(sorted({r for rels in self.public.values() for r in rels}, key=order.index))

    @property
    def last(self) -> Optional[str]:
        return self.exists[-1] if self.exists else None

    @property
    def removed_in(self) -> Optional[str]:
        """First release after the last one that had it, if that is within the data."""
        return release_after(self.last) if self.last else None

    @property
    def moved_to(self) -> Optional[str]:
        """The defining home, when it differs from the path and outlived it."""
        if self.home == self.path or not self.home_exists:
            return None
        order = apimap.releases()
        if self.exists and order.index(self.home_exists[-1]) <= order.index(self.exists[-1]):
            return None
        return self.home


@lru_cache(maxsize=256)
def story(path: str) -> Story:
    mod, rest = split_module(path)
    kind = "unknown" if mod is None else ("module" if not rest else "symbol")
    home = apimap.canonical(path)
    defined: Tuple[str, ...] = ()
    if mod is not None and rest:
        defined = _rels(apimap.symbol_mask(mod, rest[0]))
    parts = hint_parts(path) or hint_parts(home)
    public = apimap.public_names(path)
    exists = exists_in(path)
    if kind == "unknown" and public:
        kind = "symbol"
    return Story(
        path=path, kind=kind, module=mod, exists=exists, defined=defined, home=home,
        home_exists=exists if home == path else exists_in(home),
        public=public,
        use=apimap.public_name_for(path) if public else None,
        counterpart=apimap.counterpart(path),
        what=parts.get("what"), instead=parts.get("instead"),
    )


# ---------------------------------------------------------------------------
# sentences


def _existed(st: Story) -> str:
    text = f"it existed in {release_ranges(st.exists)}"
    return f"{text}: {st.what}" if st.what else text


def _public_part(st: Story) -> str:
    if not st.public:
        return "never public"
    return f"public as {', '.join(sorted(st.public))} in {release_ranges(st.was_public)}"


def no_public_name(path: str, target: str) -> str:
    """Why a private symbol has no replacement in ``target``, e.g. that it is gone since 2.5.

    "never public, and removed in TF 2.5 (it existed in 2.3–2.4: ...); <advice>"
    """
    st = story(path)
    if not st.known:
        text = f"not a public TensorFlow name in TF {covered()}"
    elif target in st.exists:
        text = f"{_public_part(st)}; no public name in TF {target}"
    else:
        order = apimap.releases()
        if st.exists and order.index(st.exists[-1]) < order.index(target):
            text = f"{_public_part(st)}, and removed in TF {st.removed_in} ({_existed(st)})"
        elif st.exists:
            text = f"{_public_part(st)}; not in TF {target} ({_existed(st)})"
        else:
            text = _public_part(st)
        if st.moved_to and target in st.home_exists:
            private = "" if apimap.public_name_for(st.moved_to, target) else ", also private"
            text += f"; its code lives on as {st.moved_to}{private}"
    return f"{text}; {st.instead}" if st.instead else text


def describe(path: str, target: Optional[str] = None) -> str:
    """One sentence about a private path for messages, e.g.

    "tensorflow.python.distribute.values.AutoPolicy is private and was removed in
    TF 2.5 (it existed in 2.3–2.4: ...); it never selected a strategy — use ..."
    """
    fate, advice = private_fate(path, target), private_advice(path, target)
    return f"{path} is private" + (f" and {fate}" if fate else "") + (f"; {advice}" if advice else "")


def private_fate(path: str, target: Optional[str] = None) -> Optional[str]:
    """"was removed in TF 2.5 (it existed in 2.3–2.4)", "not in TF 2.3 (...)" or "not
    found in TF 2.2–2.21" for a private path `target` lacks; None when it has it."""
    target = target or apimap.latest_release()
    st = story(path)
    order = apimap.releases()
    if not st.known:
        return f"not found in TF {covered()}"
    if target not in st.exists and st.exists and order.index(st.exists[-1]) < order.index(target):
        return f"was removed in TF {st.removed_in} ({_existed(st)})"
    if target not in st.exists and st.exists:
        return f"not in TF {target} ({_existed(st)})"
    return None


def private_advice(path: str, target: Optional[str] = None) -> Optional[str]:
    """"use tf.X" (its public name in `target`), else the hint on what replaced it."""
    target = target or apimap.latest_release()
    st = story(path)
    use = apimap.public_name_for(path, target) if st.public else None
    return f"use {use}" if use else st.instead


def public_since(public: str) -> Optional[str]:
    """First release in which a public name existed ("2.3"), or None."""
    rels = apimap.public_releases(public)
    return rels[0] if rels else None
