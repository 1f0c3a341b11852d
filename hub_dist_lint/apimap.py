"""Lazy, stdlib-only query API over the generated TensorFlow API map.

The data (``hub_dist_lint/data/api_map.json.gz`` and ``symbol_history.json.gz``)
is produced by ``python -m hub_dist_lint.data.generate_api_map`` from the
TensorFlow / Keras wheels of releases 2.2 ... 2.21.  Importing this module reads
nothing; each file is loaded (and cached) on the first call that needs it.
TensorFlow is never imported.

Vocabulary:

* *private path*: a dotted path such as
  ``tensorflow.python.distribute.mirrored_strategy.MirroredStrategy``.
* *home*: the private path a public name is imported from by TensorFlow's
  generated API files (the defining module, as the API generator sees it).
* *public name*: spelled with a ``tf.`` prefix, e.g. ``tf.distribute.MirroredStrategy``.
* *release*: a minor release string, ``"2.2"`` ... ``"2.21"``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

_DATA_DIR = Path(__file__).resolve().parent / "data"
_API_MAP_FILE = _DATA_DIR / "api_map.json.gz"
_HISTORY_FILE = _DATA_DIR / "symbol_history.json.gz"

# name -> loaded object; filled on first use only ("api", "history", "by_public", "all_public",
# "by_canonical")
_cache: dict = {}


def _load(path: Path) -> dict:
    with gzip.open(path, "rb") as fh:
        return json.loads(fh.read())


def _api() -> dict:
    d = _cache.get("api")
    if d is None:
        d = _cache["api"] = _load(_API_MAP_FILE)
    return d


def _history() -> dict:
    d = _cache.get("history")
    if d is None:
        d = _cache["history"] = _load(_HISTORY_FILE)
    return d


def _by_public() -> dict:
    """public name -> {home: mask} (built on first use)."""
    d = _cache.get("by_public")
    if d is None:
        d = {}
        for home, pubs in _api()["exports"].items():
            for pub, mask in pubs.items():
                d.setdefault(pub, {})[home] = mask
        _cache["by_public"] = d
    return d


def _rels(mask: int) -> tuple:
    rels = _api()["releases"]
    return tuple(r for i, r in enumerate(rels) if mask >> i & 1)


def _bit(release: str) -> int:
    rels = _api()["releases"]
    try:
        return 1 << rels.index(release)
    except ValueError:
        raise ValueError(f"unknown release {release!r}; known: {', '.join(rels)}") from None


# ---------------------------------------------------------------------------
# releases


def releases() -> tuple:
    """All releases covered by the data, oldest first: ("2.2", ..., "2.21")."""
    return tuple(_api()["releases"])


def latest_release() -> str:
    return _api()["releases"][-1]


# ---------------------------------------------------------------------------
# private side


def _split_module(path: str, modules: dict):
    """Longest prefix of ``path`` that is a known module -> (module, rest parts)."""
    parts = path.split(".")
    for k in range(len(parts), 0, -1):
        mod = ".".join(parts[:k])
        if mod in modules:
            return mod, parts[k:]
    return None, parts


def canonical(path: str) -> str:
    """Follow re-export aliases / submodule steps to the defining home.

    ``tensorflow.python.keras.layers.Dense.call`` ->
    ``tensorflow.python.keras.layers.core.Dense.call``.  Aliases are taken from
    the newest release in which the name was bound in its module.  Returns
    ``path`` unchanged when nothing is known about it.
    """
    api = _api()
    modules, aliases = api["modules"], api["aliases"]
    seen = set()
    while path not in seen:
        seen.add(path)
        mod, rest = _split_module(path, modules)
        if mod is None or not rest:
            return path
        target = aliases.get(mod, {}).get(rest[0])
        if target is None:
            return path
        path = ".".join([target] + rest[1:])
    return path


def is_module(path: str) -> bool:
    """True if the dotted path was a module/package in any release (after canonicalisation)."""
    modules = _api()["modules"]
    return path in modules or canonical(path) in modules


def is_api_name(public: str) -> bool:
    """Whether a generated ``tf.*`` name is API a user may write.

    ``tf.__internal__`` is generated for Keras and other TensorFlow packages, not for
    users; it changes without notice, so it is never suggested nor written.
    """
    return "__internal__" not in public.split(".")


def _by_canonical() -> dict:
    """canonical path -> export homes that are aliases of it (built on first use).

    ``tensorflow.python.training.training.SaverDef`` (a home of
    ``tf.compat.v1.train.SaverDef``) is an import of
    ``tensorflow.core.protobuf.saver_pb2.SaverDef``: the same object, so the latter's
    public names include the former's.
    """
    d = _cache.get("by_canonical")
    if d is None:
        d = {}
        for home in _api()["exports"]:
            target = canonical(home)
            if target != home:
                d.setdefault(target, []).append(home)
        _cache["by_canonical"] = d
    return d


def _export_masks(path: str, api: bool = True) -> dict:
    exports = _api()["exports"]
    out: dict = {}
    home = canonical(path)
    for p in dict.fromkeys((home, path, *_by_canonical().get(home, ()))):
        for pub, mask in exports.get(p, {}).items():
            if is_api_name(pub) == api:
                out[pub] = out.get(pub, 0) | mask
    return out


def internal_names(path: str) -> dict:
    """``tf.__internal__`` name -> releases in which it exported this private symbol (as
    :func:`public_names` for the names that are not API)."""
    return {pub: _rels(mask) for pub, mask in sorted(_export_masks(path, api=False).items())}


def public_names(path: str) -> dict:
    """public name -> releases in which it exported this private symbol.

    ``path`` is canonicalised first; exports recorded for the raw path itself
    (e.g. an older home that later became an alias) and for homes that are aliases
    of the same object are merged in.
    """
    return {pub: _rels(mask) for pub, mask in sorted(_export_masks(path).items())}


# TensorFlow's implementation trees: imports of them are private (HDL1xx), whatever they hold.
PRIVATE_ROOTS = (
    "tensorflow.python",
    "tensorflow.core",
    "tensorflow.lite.python",
    "tensorflow.compiler",
    "tensorflow.dtensor.python",
    "tensorflow.tsl",
)


def is_private(path: str) -> bool:
    return any(path == root or path.startswith(root + ".") for root in PRIVATE_ROOTS)


def preference_key(public: str):
    """Sort key of public names, the one to suggest first (see ``by_preference``)."""
    return _pref_key(public)


def _pref_key(public: str):
    parts = public.split(".")
    return (
        len(parts) > 2 and parts[1] == "compat" and parts[2] == "v1",
        "__internal__" in parts,
        any("experimental" in p for p in parts),
        "raw_ops" in parts,
        len(public),
        public,
    )


def all_public_names() -> frozenset:
    """Every public name (symbol or module) of any release."""
    d = _cache.get("all_public")
    if d is None:
        d = _cache["all_public"] = frozenset(_by_public()) | frozenset(_api()["public_modules"])
    return d


def by_preference(names) -> list:
    """Public names, the one to suggest first: non-``compat.v1``, non-``__internal__``,
    non-experimental, non-``raw_ops``, then shortest."""
    return sorted(names, key=_pref_key)


def _best(cands):
    return min(cands, key=_pref_key) if cands else None


def public_name_for(path: str, target: str | None = None) -> str | None:
    """Best public spelling of a private symbol for release ``target`` (default: latest).

    1. a public name that exports it in ``target``;
    2. else a name from the most recent release that exported it, provided that
       public name still exists in ``target`` (e.g. ``tf.keras.layers.Dense``);
    3. else None.
    Ties: non-``compat.v1`` first, then non-``__internal__``, non-experimental,
    non-``raw_ops``, then shortest.
    """
    target = target or latest_release()
    tbit = _bit(target)
    masks = _export_masks(path)
    if not masks:
        return None
    best = _best([p for p, m in masks.items() if m & tbit])
    if best:
        return best
    nrel = len(_api()["releases"])
    for i in range(nrel - 1, -1, -1):
        cands = [p for p, m in masks.items() if m >> i & 1]
        if cands:
            return _best([p for p in cands if public_exists(p, target)])
    return None


def public_name_at(path: str, target: str) -> str | None:
    """Best public name that exports this very object in ``target``, or None.

    Unlike :func:`public_name_for`, no name that exported it only in older releases
    (and may be another object in ``target``) is offered.
    """
    tbit = _bit(target)
    return _best([p for p, m in _export_masks(path).items() if m & tbit])


def keras_name_missing(public: str, target: str) -> str | None:
    """Why a ``tf.keras.*`` / ``tf.compat.v1.keras.*`` name is not there in a default
    environment of ``target``, or None (also for every other name).

    From TF 2.16 ``tf.keras`` (and then ``tf.compat.v1.keras``) is Keras 3's
    ``keras._tf_keras.keras`` unless ``TF_USE_LEGACY_KERAS=1``: a name only tf-keras
    provides (``tf.compat.v1.keras.layers.enable_v2_dtype_behavior``) raises
    AttributeError, and so does one whose package Keras 3 does not bind
    (``tf.keras.saving.load_model``: Keras 3.15's ``keras._tf_keras.keras`` does not
    import ``saving``). The one answer to "does Keras 3, the default tf.keras, lack it".
    """
    parts = public.split(".")
    if parts[:2] == ["tf", "keras"]:
        rest = parts[2:]
    elif parts[:4] == ["tf", "compat", "v1", "keras"]:
        rest = parts[4:]
    else:
        return None
    v2_name = ".".join(["tf", "keras"] + rest)
    if _exported_from(public, "tf_keras", target) and not keras3_exports(v2_name, target):
        return f"{public} exists in TF {target} only with TF_USE_LEGACY_KERAS=1 (tf-keras)"
    from . import import_layout

    unbound = import_layout.keras3_unbound(tuple(rest), target)
    if unbound:
        return (f"with Keras 3, the default, {unbound} is not an attribute after "
                "`import tensorflow` (its package does not import it)")
    return None


def counterpart(path: str) -> dict | None:
    """Public counterpart of an unexported internal function, or None.

    ``{"public": "tf.convert_to_tensor", "public_home": ..., "private_params":
    {...}, "public_params": {...}, "releases": (...)}``.  Param dicts have
    ``args`` (positional-or-keyword names in order, positional-only first;
    ``posonly`` counts those), ``ndefaults``, ``defaults`` (source text),
    ``kwonly``, ``kwonly_required``, ``kwonly_defaults``, ``varargs``, ``varkw``.
    ``releases`` lists the releases where the relationship was observed;
    parameter lists come from the newest release defining each function.
    """
    cps = _api()["counterparts"]
    cp = cps.get(path) or cps.get(canonical(path))
    if cp is None:
        return None
    out = dict(cp)
    out["releases"] = _rels(cp["releases"])
    return out


# ---------------------------------------------------------------------------
# public side


def _public_variants(public: str):
    """Yield ``(name, limit_mask)``: ``public`` itself and the names it is an alias of.

    ``tf.compat.v2.X`` is ``tf.X`` (those duplicates are not stored);
    ``tf.losses`` / ``tf.metrics`` / ``tf.optimizers`` / ``tf.initializers``
    are aliases of the ``tf.keras`` submodules in the releases that set them.
    """
    yield public, -1
    parts = public.split(".")
    if parts[:3] == ["tf", "compat", "v2"]:
        yield ".".join(["tf"] + parts[3:]), -1
    for alias, (tgt, amask) in _api()["public_module_aliases"].items():
        if public == alias or public.startswith(alias + "."):
            yield tgt + public[len(alias):], amask


def _public_mask(public: str) -> int:
    api, by_pub = _api(), _by_public()
    mask = 0
    for name, limit in _public_variants(public):
        m = api["public_modules"].get(name, 0)
        for hm in by_pub.get(name, {}).values():
            m |= hm
        mask |= m & limit
    return mask


def public_exists(public: str, release: str) -> bool:
    """Public name (symbol or module) exists in ``release`` (tf.keras included)."""
    return bool(_public_mask(public) & _bit(release))


def public_releases(public: str) -> tuple:
    """Releases in which the public name (symbol or module) exists."""
    return _rels(_public_mask(public))


def private_homes(public: str) -> dict:
    """Reverse map: home path -> releases in which ``public`` was imported from it."""
    out: dict = {}
    by_pub = _by_public()
    for name, limit in _public_variants(public):
        for home, m in by_pub.get(name, {}).items():
            m &= limit
            if m:
                out[home] = out.get(home, 0) | m
    return {h: _rels(m) for h, m in sorted(out.items())}


# ---------------------------------------------------------------------------
# history (symbol_history.json.gz; loaded only here)


def symbol_releases(path: str) -> tuple:
    """Releases in which the name was defined at top level of its module.

    Looks at both the canonical and the raw path (union).  A path with trailing
    attributes (``Class.method``) is judged by its first component after the
    module.
    """
    hist = _history()
    modules, symbols = hist["modules"], hist["symbols"]
    mask = 0
    for p in dict.fromkeys((canonical(path), path)):
        mod, rest = _split_module(p, modules)
        if mod is None or not rest:
            continue
        mask |= symbols.get(mod, {}).get(rest[0], 0)
    return _rels(mask)


# -- raw masks, for the history module (bit i = the i-th release of releases()) ------


def is_module_path(path: str) -> bool:
    """Whether ``path`` (this spelling) was a module or package in some release."""
    return path in _api()["modules"]


def module_mask(module: str) -> int:
    """Releases in which ``module`` itself (this spelling) was a module or package."""
    return _api()["modules"].get(module, 0)


def symbol_mask(module: str, name: str) -> int:
    """Releases in which ``module`` defined ``name`` at top level."""
    return _history()["symbols"].get(module, {}).get(name, 0)


def exported_mask(home: str) -> int:
    """Releases in which some public name was exported from ``home``."""
    mask = 0
    for exported in _api()["exports"].get(home, {}).values():
        mask |= exported
    return mask


def import_alias(module: str, name: str) -> str | None:
    """What ``name`` in ``module`` is bound to by an import (newest release having it)."""
    return _api()["aliases"].get(module, {}).get(name)


def public_module_mask(public: str) -> int:
    """Releases in which ``public`` (or a name it is an alias of) is a generated API package."""
    api = _api()
    mask = 0
    for name, limit in _public_variants(public):
        mask |= api["public_modules"].get(name, 0) & limit
    return mask


def exported_names() -> tuple:
    """Every public name that exports a symbol, in any release (modules not included)."""
    return tuple(_by_public())


def export_homes() -> tuple:
    """Every private path a public name is exported from, in any release."""
    return tuple(_api()["exports"])


def modules_defining(name: str) -> tuple:
    """Modules whose history records a top-level `name` (any release)."""
    return tuple(mod for mod, names in _history()["symbols"].items() if name in names)


def module_members(module: str) -> tuple:
    """Top-level names the history records for a module, in any release (sorted)."""
    return tuple(sorted(_history()["symbols"].get(module, {})))


def module_releases(path: str) -> tuple:
    """Releases in which the dotted path was a module/package (raw or canonical path)."""
    modules = _history()["modules"]
    mask = 0
    for p in dict.fromkeys((path, canonical(path))):
        mask |= modules.get(p, 0)
    return _rels(mask)


def home_at(public: str, release: str) -> str | None:
    """The defining home of a public name in ``release`` (None if it does not exist then).

    Two public names with different homes are different objects: for classes,
    ``isinstance`` against one does not match instances of the other.
    """
    homes = [h for h, rels in private_homes(public).items() if release in rels]
    if len(homes) > 1:  # tf.keras from 2.16: Keras 3 (the default) and tf-keras
        homes = [h for h in homes if not h.startswith("tf_keras.")]
    return canonical(homes[0]) if len(homes) == 1 else None


# ---------------------------------------------------------------------------
# Keras packages (tf.keras is Keras 3 from TF 2.16; tf-keras is the Keras 2 line)


def wheel_version(package: str, release: str) -> str | None:
    """Version of ``package`` (``"keras"``, ``"tf-keras"``, ``"tensorflow-cpu"``) whose
    wheel the data for ``release`` was read from, or None when that release had none."""
    return _api()["versions"].get(release, {}).get(package)


def alias_target(public: str) -> str:
    """The ``tf.keras`` spelling of a name under a module alias TensorFlow sets
    (``tf.optimizers.Adam`` -> ``tf.keras.optimizers.Adam``); other names unchanged."""
    for alias, (target, _) in _api()["public_module_aliases"].items():
        if public == alias or public.startswith(alias + "."):
            return target + public[len(alias):]
    return public


def _tf_keras_masks() -> dict:
    """``tf.keras.*`` name -> releases (mask) in which tf-keras exports it; modules
    count in every release where a name below them is exported."""
    d = _cache.get("tf_keras")
    if d is None:
        d = {}
        for public, homes in _by_public().items():
            if not public.startswith("tf.keras."):
                continue
            mask = 0
            for home, m in homes.items():
                if home.startswith("tf_keras."):
                    mask |= m
            if not mask:
                continue
            parts = public.split(".")
            for k in range(2, len(parts) + 1):
                name = ".".join(parts[:k])
                d[name] = d.get(name, 0) | mask
        _cache["tf_keras"] = d
    return d


def tf_keras_exports(public: str, release: str) -> bool:
    """Whether ``tf_keras.<rest>`` exists in ``release`` for ``public`` = ``tf.keras.<rest>``
    (a symbol tf-keras exports, or an API module holding one)."""
    return bool(_tf_keras_masks().get(public, 0) & _bit(release))


def _exported_from(public: str, package: str, release: str) -> bool:
    """A home in ``package`` exports the public symbol in ``release``."""
    return any(home.startswith(package + ".") and release in rels
               for home, rels in private_homes(public).items())


def keras3_exports(public: str, release: str) -> bool:
    """The keras package exports this ``tf.keras`` symbol in ``release`` (Keras 3 from
    TF 2.16, Keras 2 in 2.6-2.15)."""
    return _exported_from(public, "keras", release)


def _home_packages() -> set:
    d = _cache.get("home_packages")
    if d is None:
        d = set()
        for home in _api()["exports"]:
            parts = home.split(".")
            for k in range(1, len(parts)):
                d.add(".".join(parts[:k]))
        _cache["home_packages"] = d
    return d


def is_home_package(path: str) -> bool:
    """Some public name's defining home lies under this dotted path (``keras.engine``,
    ``keras.layers.core``): it is, or was, an implementation package."""
    return path in _home_packages()
