"""Round-trip the generated API map against a real TensorFlow 2.21 install.

Slow-ish (imports TensorFlow and ~1000 private modules); deselect with -m "not tf".
"""

import importlib
import inspect

import pytest

from hub_dist_lint import apimap

pytestmark = pytest.mark.tf

tf = pytest.importorskip("tensorflow")

RELEASE = "2.21"

# Known, explained differences between `getattr(private_module, name)` and the
# public attribute.  Kept as *rules*, each checked precisely:
#
# 1. Wrappers: the generated API module captured a function before TensorFlow
#    re-wrapped the module attribute (dispatch support / deprecated-endpoint
#    wrappers on gen_*_ops functions, mostly under tf.compat.v1).  Both sides
#    are the same function once `inspect.unwrap`ped.
# 2. tf.compat.v1.layers and tf.compat.v1.nn.rnn_cell: the generated API files
#    import the legacy classes from tensorflow.python.keras, but compat/v1's
#    __init__ replaces these two modules at runtime with the Keras package's
#    `keras.api._v1.keras.__internal__.legacy.*` modules, which Keras 3 does not
#    provide ("`X` is not available with Keras 3").
KERAS_REPLACED = ("tf.compat.v1.layers.", "tf.compat.v1.nn.rnn_cell.")
MAX_WRAPPERS = 150  # 105 with TF 2.21.0; a jump would mean the map is wrong


def _public(name):
    obj = tf
    for part in name.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def _private(path):
    mod, _, name = path.rpartition(".")
    return getattr(importlib.import_module(mod), name)


def _pairs_2_21():
    bit = 1 << apimap.releases().index(RELEASE)
    for home, pubs in sorted(apimap._api()["exports"].items()):
        for pub, mask in sorted(pubs.items()):
            # tf.keras.* comes from the keras packages; not part of this check
            if mask & bit and not pub.startswith(("tf.keras.", "tf.compat.v1.keras.")):
                yield home, pub


def test_tf_version():
    assert tf.__version__.startswith("2.21."), tf.__version__


def test_every_2_21_export_round_trips():
    checked = identical = 0
    wrappers, keras_replaced, problems = [], [], []
    for home, pub in _pairs_2_21():
        checked += 1
        private = _private(home)  # must import and resolve: the map says it is there
        if pub.startswith(KERAS_REPLACED):
            with pytest.raises(AttributeError, match="not available with Keras 3"):
                _public(pub)
            keras_replaced.append(pub)
            continue
        public = _public(pub)
        if public is private:
            identical += 1
        elif inspect.unwrap(public) is inspect.unwrap(private):
            wrappers.append(pub)
        else:
            problems.append((home, pub))
    summary = (f"checked {checked} (private home, public name) pairs exported in {RELEASE}: "
               f"{identical} identical, {len(wrappers)} same function behind a wrapper, "
               f"{len(keras_replaced)} in Keras-replaced compat.v1 modules")
    print(summary)
    assert not problems, f"{summary}; mismatches: {problems[:20]}"
    assert checked > 6000, summary
    assert len(wrappers) <= MAX_WRAPPERS, summary
    assert len(keras_replaced) <= 20, summary


def test_public_modules_exist():
    bit = 1 << apimap.releases().index(RELEASE)
    checked = 0
    for mod, mask in sorted(apimap._api()["public_modules"].items()):
        if not mask & bit or mod.startswith(("tf.keras", "tf.compat.v1.keras", "tf.estimator",
                                             "tf.compat.v1.estimator")):
            continue
        if mod.startswith(tuple(k.rstrip(".") for k in KERAS_REPLACED)):
            continue
        _public(mod)
        checked += 1
    assert checked > 200, checked


def test_keras_public_names_exist_in_tf_keras():
    # The 2.21 tf.keras names come from tf-keras 2.21 and Keras 3's _tf_keras;
    # the installed tf.keras (Keras 3 by default) must have a good share of them.
    bit = 1 << apimap.releases().index(RELEASE)
    names = sorted({pub for pubs in apimap._api()["exports"].values() for pub, m in pubs.items()
                    if m & bit and pub.startswith("tf.keras.layers.") and pub.count(".") == 3})
    missing = [n for n in names if not hasattr(tf.keras.layers, n.rpartition(".")[2])]
    assert len(names) > 100
    assert len(missing) < len(names) // 4, missing[:20]


ALIAS_SAMPLES = [
    ("tensorflow.python.keras.layers.Dense", "tensorflow.python.keras.layers.core.Dense"),
    ("tensorflow.python.keras.layers.Dense.call", "tensorflow.python.keras.layers.core.Dense.call"),
]


@pytest.mark.parametrize("path,expected", ALIAS_SAMPLES)
def test_named_alias_resolutions(path, expected):
    assert apimap.canonical(path) == expected
    mod, _, rest = path.partition(".Dense")
    obj = getattr(importlib.import_module(mod), "Dense")
    cobj = getattr(importlib.import_module("tensorflow.python.keras.layers.core"), "Dense")
    assert obj is cobj
    if rest:
        assert getattr(obj, rest[1:]) is getattr(cobj, rest[1:])


def _resolve_dotted(path):
    """Import the longest importable module prefix, then getattr the rest."""
    parts = path.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except Exception:
            continue
        for p in parts[k:]:
            obj = getattr(obj, p)
        return obj
    raise ImportError(path)


def test_alias_resolutions():
    """canonical(x) is the same object as x, for every public-looking alias bound in 2.21."""
    api = apimap._api()
    bit = 1 << apimap.releases().index(RELEASE)
    # `_private = ...` bindings are often rebound at runtime (monkey-patching),
    # which no static reading can follow; `pkg.sub` dotted paths that are
    # modules mean the submodule (import semantics) even if pkg rebinds `sub`.
    paths = [f"{mod}.{name}" for mod, names in sorted(api["aliases"].items())
             if api["modules"].get(mod, 0) & bit
             for name in sorted(names) if not name.startswith("_")]
    checked, skipped, problems = 0, 0, []
    for path in paths:
        if path in api["modules"]:
            skipped += 1
            continue
        mod, _, name = path.rpartition(".")
        try:
            obj = getattr(importlib.import_module(mod), name)
        except Exception:
            skipped += 1    # module not importable on its own / name not bound at runtime
            continue
        target = apimap.canonical(path)
        assert target != path
        try:
            tobj = _resolve_dotted(target)
        except (ImportError, AttributeError) as e:
            problems.append((path, target, repr(e)))
            continue
        checked += 1
        if tobj is not obj and tobj != obj and inspect.unwrap(tobj) is not inspect.unwrap(obj):
            problems.append((path, target))
    summary = (f"alias resolutions checked: {checked} ({skipped} skipped), "
               f"{len(problems)} differ: {problems[:10]}")
    print(summary)
    assert checked > 15000, summary
    # Static reading cannot follow every runtime binding (e.g. standard_ops.Any
    # comes out of a chain of star imports as typing.Any); allow 0.1%.
    assert len(problems) <= checked // 1000, summary


def test_tf_keras_exports_match_the_installed_tf_keras():
    tf_keras = pytest.importorskip("tf_keras")
    keras = pytest.importorskip("keras")

    def resolves(root, dotted):
        obj = root
        for part in dotted.split("."):
            if not hasattr(obj, part):
                return False
            obj = getattr(obj, part)
        return True

    names = sorted({pub for pubs in apimap._api()["exports"].values() for pub in pubs
                    if pub.startswith("tf.keras.")})
    said_yes = [n for n in names if apimap.tf_keras_exports(n, RELEASE)]
    # (module dunders such as __version__ are not API exports: not claimed either way)
    said_no = [n for n in names if n not in set(said_yes) and apimap.public_exists(n, RELEASE)
               and not n.endswith("__")]
    wrong_yes = [n for n in said_yes if not resolves(tf_keras, n[len("tf.keras."):])]
    wrong_no = [n for n in said_no if resolves(tf_keras, n[len("tf.keras."):])]
    assert len(said_yes) > 900 and len(said_no) > 300, (len(said_yes), len(said_no))
    assert not wrong_yes, wrong_yes[:20]
    assert not wrong_no, wrong_no[:20]
    # the names tf-keras lacks are Keras 3's
    assert all(resolves(keras, n[len("tf.keras."):]) for n in said_no[:200])
