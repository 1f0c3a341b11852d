"""Tables from TensorFlow's own files (``data/tf_tables.json``, see its generator), read
on first use: the TF 2 successors of TF 1 names (what `tf_upgrade_v2` renames), the API modules
`import tensorflow` replaces by Keras's lazily loaded legacy modules, and the renamed
tf.distribute classes `isinstance` treats as one."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Optional

_FILE = Path(__file__).resolve().parent / "data" / "tf_tables.json"


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(_FILE.read_text("utf-8"))


def successor(public: str) -> Optional[str]:
    """The TF 2 name TensorFlow documents for a TF 1 name (``tf.gfile.GFile`` ->
    ``tf.io.gfile.GFile``), or None."""
    return _data()["upgrade_renames"].get(public)


def upgrade_renames() -> dict:
    return dict(_data()["upgrade_renames"])


def keras_lazy_module(public: str, release: str) -> Optional[str]:
    """The API module holding ``public`` that ``import tensorflow`` replaces by Keras's legacy
    module in ``release`` (``tf.compat.v1.nn.rnn_cell``); None when there is none, or when the
    table was read from another release (it says nothing of that one)."""
    if release != _data()["release"]:
        return None
    for module in _data()["keras_lazy_modules"]:
        if public == module or public.startswith(module + "."):
            return module
    return None


def isinstance_both_ways(old: str, new: str, release: str) -> bool:
    """``isinstance`` treats the classes of the public names ``old`` and ``new`` as one,
    both ways, in ``release`` (a metaclass: tf.distribute.experimental.MultiWorkerMirroredStrategy
    and tf.distribute.MultiWorkerMirroredStrategy in 2.21); False when the table was read
    from another release."""
    return release == _data()["release"] and [old, new] in _data()["isinstance_both_ways"]
