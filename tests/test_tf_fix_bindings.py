"""Fixes that bind a private import's names in place (`X = tf.a.X`) under TF 2.21: the
fixed file runs, and each name is the very object the private import bound."""

import pytest

from conftest import FIXTURES
from tf_support import run_python

pytestmark = pytest.mark.tf
pytest.importorskip("tensorflow")

CHECK = """
import importlib
private = {
    "TFRecordDataset": "tensorflow.python.data.ops.readers",
    "DeviceSpec": "tensorflow.python.framework.device",
    "StaticHashTable": "tensorflow.python.ops.lookup_ops",
}
for name, module in private.items():
    bound = globals()[name]
    assert bound is getattr(importlib.import_module(module), name), name
# the other name of the statement had its use rewritten instead (a fix of its own)
assert tf.lookup.KeyValueTensorInitializer is importlib.import_module(
    "tensorflow.python.ops.lookup_ops").KeyValueTensorInitializer
print("SAME", len(private) + 1)
"""


def test_bound_names_are_the_private_objects():
    fixed = (FIXTURES / "private_imports" / "fix" / "bind_in_place.out.py").read_text("utf-8")
    assert "from tensorflow.python.data" not in fixed and "from tensorflow.python.framework.device" \
        not in fixed
    result = run_python("-c", fixed + CHECK)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "print(TFRecordDataset, tf.lookup.KeyValueTensorInitializer, tensor_util)" in fixed
    assert result.stdout.strip().endswith("SAME 4")


KERAS_NAMES = r"""
import json
from hub_dist_lint import apimap
import tensorflow as tf
names = sorted({p for home in apimap._api()["exports"].values() for p in home
               if p.startswith(("tf.keras.", "tf.compat.v1.keras.")) and apimap.public_exists(p, "2.21")})
offered, broken, refused_but_work = 0, [], []
for name in names:
    obj, ok = tf, True
    try:
        for part in name.split(".")[1:]:
            obj = getattr(obj, part)
    except Exception:
        ok = False
    if apimap.keras_name_missing(name, "2.21"):
        if ok:
            refused_but_work.append(name)
    else:
        offered += 1
        if not ok:
            broken.append(name)
print(json.dumps({"names": len(names), "offered": offered, "broken": broken,
                  "refused_but_work": refused_but_work}))
"""


def test_keras_names_the_fixer_may_use_exist_without_legacy_keras():
    """A fix may spell a tf.keras / tf.compat.v1.keras name only where TF 2.21 has it in a
    default environment (Keras 3); the others exist only with TF_USE_LEGACY_KERAS=1."""
    import json
    result = run_python("-c", KERAS_NAMES)  # tf_support.ENV: TF_USE_LEGACY_KERAS unset
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(report["names"], report["offered"], len(report["refused_but_work"]))
    assert report["names"] > 1000 and report["offered"] > 500
    assert report["broken"] == [], report["broken"]
