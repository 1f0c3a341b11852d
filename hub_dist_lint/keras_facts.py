"""Keras facts: which Keras `tf.keras` is at a release, what a resolved import path is as
a `tf.keras` name, whether tf-keras has it. Read from the shipped data through `apimap`;
queried by the Keras 3 rules (HDL5xx), the private-import fixes and the tf-keras rewrite.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Tuple

from . import apimap

TF_KERAS = "tf_keras"
_REEXPORTS_FILE = Path(__file__).resolve().parent / "data" / "keras_reexports.json.gz"


def keras3_at(target: str) -> bool:
    """tf.keras (and the keras package) is Keras 3 in this release: TF 2.16 and later."""
    version = apimap.wheel_version("keras", target)
    return bool(version) and version.startswith("3.")


def keras_public(path: Optional[str]) -> Optional[str]:
    """The `tf.keras.*` name a resolved import path stands for, or None when not Keras:
    `tensorflow.keras.layers.Dense`, `keras.layers.Dense`, `tensorflow.optimizers.Adam`,
    `tensorflow.compat.v2.keras.Model`."""
    if not path:
        return None
    for prefix in ("tensorflow.compat.v1.", "tensorflow.compat.v2."):
        if path.startswith(prefix + "keras"):
            path = "tensorflow." + path[len(prefix):]
    if path == "tensorflow.keras" or path.startswith("tensorflow.keras."):
        return "tf" + path[len("tensorflow"):]
    if path == "keras" or path.startswith("keras."):
        return "tf." + path
    if path.startswith("tensorflow."):
        public = apimap.alias_target("tf" + path[len("tensorflow"):])
        if public.startswith("tf.keras."):
            return public
    return None


def keras3_only(public: str, target: str, spelled: Optional[str] = None) -> Optional[str]:
    """Why `public` (a tf.keras name, spelled so in the file) has no tf-keras spelling in
    `target`, or None if it has one.

    The longest prefix that is a public name decides: `tf.keras.layers.Dense(3).units` is
    judged by `tf.keras.layers.Dense`; a name the data does not know at all is unknown."""
    spelled = spelled or public
    parts = public.split(".")
    for cut in range(len(parts), 1, -1):
        name = ".".join(parts[:cut])
        if apimap.tf_keras_exports(name, target):
            return None
        if apimap.public_exists(name, target):
            return f"{spelled}, which is Keras 3 only (tf-keras has no {name} in TF {target})"
    return f"{spelled}, which is not a Keras name in TF {target}"


def public_home(public: Optional[str], target: str, hub_layers: bool) -> Optional[str]:
    """Where a `tf.keras.X` public name lives for this file: `tf_keras.X` in a file that makes
    hub layers when tf.keras is Keras 3 (and tf-keras has X), else `public` itself."""
    if (public and hub_layers and public.startswith("tf.keras.") and keras3_at(target)
            and apimap.tf_keras_exports(public, target)):
        return TF_KERAS + public[len("tf.keras"):]
    return public


@lru_cache(maxsize=1)  # asked for every Keras import a file has
def keras_api_trees() -> Tuple[str, ...]:
    """The packages `tf.keras` has been, read from the `__path__` TensorFlow's `__init__.py`
    sets up per release and TF_USE_LEGACY_KERAS setting (data/import_layout.json.gz):
    `keras.api._v2.keras` (Keras 2, TF 2.6-2.15), `keras._tf_keras.keras` (Keras 3 in
    tf.keras's layout, TF 2.16+), `tf_keras.api._v2.keras` (tf-keras, with the switch).
    Generated API trees behind underscore names: private spellings of public names."""
    from .import_layout import data

    trees = set()
    for _, variants in data()["paths"].get("tensorflow", ()):
        for variant in variants:
            for directory in variant:
                if directory.startswith("?ext:"):
                    _, directory, child = directory.split(":", 2)
                    if child != "keras":
                        continue
                if directory.split(".")[0] in ("keras", TF_KERAS):
                    trees.add(directory + ".keras")
    return tuple(sorted(trees, key=len, reverse=True))


def api_tree_public(path: str) -> Optional[Tuple[str, str]]:
    """(`tf.keras.<rest>`, the package the object belongs to: "keras" or "tf_keras") for a
    path inside one of `keras_api_trees()`, else None."""
    for tree in keras_api_trees():
        if path.startswith(tree + "."):
            return "tf.keras." + path[len(tree) + 1:], tree.split(".")[0]
    return None


@lru_cache(maxsize=1)
def _reexports_data() -> dict:
    with gzip.open(_REEXPORTS_FILE, "rb") as fh:
        return json.loads(fh.read())


def _reexports() -> Dict[str, list]:
    return _reexports_data()["reexports"]


def keras3_has(name: str, target: str) -> bool:
    """`name` (`keras.X`) is in the keras package's own API in `target`, where it is Keras 3
    (read from its generated API modules). Not the same as tf.keras's layout of Keras 3
    (`keras._tf_keras.keras`): `keras.preprocessing.image.ImageDataGenerator` is only there."""
    return target in _reexports_data()["keras3_api"].get(name, ())


def reexported_from(path: str, target: str) -> Optional[str]:
    """The path that defines the object a private Keras package name re-exports in `target`
    (data/keras_reexports.json.gz, from the `src` packages' `__init__.py` in the wheels of
    the Keras 3 and tf-keras that go with `target`), chains followed; None when `path` is no
    such re-export. `tf_keras.src.utils.to_categorical` ->
    `tf_keras.src.utils.np_utils.to_categorical`. Only within the same package: the same
    object by construction of an import binding."""
    root = path.split(".")[0]
    seen = {path}
    found = None
    while True:
        source = next((source for source, releases in _reexports().get(path, ())
                       if target in releases), None)
        if source is None or source.split(".")[0] != root or source in seen:
            return found
        found = path = source
        seen.add(source)


_CLASSES_FILE = Path(__file__).resolve().parent / "data" / "keras_classes.json"
_classes_cache: dict = {}


def _classes() -> dict:
    if not _classes_cache:
        _classes_cache.update(json.loads(_CLASSES_FILE.read_text()))
    return _classes_cache


def keras_classes(kind: str, target: str, package: str) -> Tuple[str, ...]:
    """The public `tf.keras.*` names that are classes making a `kind` ("optimizer", "metric",
    "loss", "model") in `package`'s Keras ("keras": what `tf.keras` is up to TF 2.15 and
    Keras 3 from 2.16; "tf_keras": tf-keras, 2.16 on) at `target`
    (data/keras_classes.json, read from the Keras wheels by generate_keras_classes.py)."""
    data = _classes()
    if target not in data["releases"]:
        return ()
    bit = 1 << data["releases"].index(target)
    names = data["classes"].get(package, {}).get(kind, {})
    return tuple(sorted(name for name, mask in names.items() if mask & bit))


def class_makers(kinds: Tuple[str, ...], target: str) -> Dict[str, Tuple[str, str, str]]:
    """Import path a call spells -> (kind, package, the name as messages write it), for every
    Keras class of `kinds` at `target`: `tensorflow.keras.optimizers.Adam` (and `keras.`,
    `tensorflow.optimizers.` where TensorFlow aliases the module) in the `keras` package,
    `tf_keras.optimizers.Adam` in tf-keras."""
    makers: Dict[str, Tuple[str, str, str]] = {}
    for kind in kinds:
        for public in keras_classes(kind, target, "keras"):
            rest = public[len("tf.keras."):]
            makers["tensorflow.keras." + rest] = (kind, "keras", public)
            makers["keras." + rest] = (kind, "keras", public)
            alias = "tf." + rest
            if apimap.alias_target(alias) == public and apimap.public_exists(alias, target):
                makers["tensorflow." + rest] = (kind, "keras", public)
        for public in keras_classes(kind, target, TF_KERAS):
            rest = public[len("tf.keras."):]
            makers[TF_KERAS + "." + rest] = (kind, TF_KERAS, TF_KERAS + "." + rest)
    return makers
