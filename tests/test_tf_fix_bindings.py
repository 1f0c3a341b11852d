"""Fixes that bind a private import's names in place (`X = tf.a.X`) under TF 2.21: the
fixed file runs, and each name is the very object the private import bound."""

import os
import subprocess
import sys

import pytest

from conftest import FIXTURES

pytestmark = pytest.mark.tf
pytest.importorskip("tensorflow")

CHECK = """
import importlib
private = {
    "TFRecordDataset": "tensorflow.python.data.ops.readers",
    "DeviceSpec": "tensorflow.python.framework.device",
    "StaticHashTable": "tensorflow.python.ops.lookup_ops",
    "KeyValueTensorInitializer": "tensorflow.python.ops.lookup_ops",
}
for name, module in private.items():
    bound = globals()[name]
    assert bound is getattr(importlib.import_module(module), name), name
print("SAME", len(private))
"""


def test_bound_names_are_the_private_objects():
    fixed = (FIXTURES / "fix" / "bind_in_place.out.py").read_text("utf-8")
    assert "from tensorflow.python.data" not in fixed and "from tensorflow.python.framework.device" \
        not in fixed
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run([sys.executable, "-c", fixed + CHECK], capture_output=True, text=True,
                            env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("SAME 4")
