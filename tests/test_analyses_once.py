"""Each per-file analysis is built at most once per file, whichever checkers ask for it
(issue 20: the strategy receivers were built three times, the hub call graph twice)."""

import collections

import pytest

from hub_dist_lint import checking
from hub_dist_lint.analysis import bindings, deliberate_imports, import_uses, keras_models, names, \
    receivers
from hub_dist_lint.config import Config
from hub_dist_lint.engine import analyze
from hub_dist_lint import tf_alias

# every family has something to say about this file, with fixes
SOURCE = """\
import tensorflow as tf
import tensorflow_hub as hub
from tensorflow.python.framework import ops
from tensorflow.contrib.distribute import MirroredStrategy
import tensorflow.compat.v1.gfile as gfile

strategy = tf.distribute.MirroredStrategy()
x = ops.convert_to_tensor([1.0])
model = hub.load('m')
with strategy.scope():
    layer = hub.KerasLayer(model, trainable=True)
    net = tf.keras.Sequential([layer])
    net.compile(loss='mse')
strategy.experimental_run_v2(print)
def spec(tf, shape):
    return tf.keras.Input(shape=shape)
"""

BUILT = [(bindings, "Bindings"), (import_uses, "ImportUses"), (names, "Names"),
         (receivers, "StrategyReceivers"), (keras_models, "ModelScan"),
         (tf_alias, "TensorflowAlias"), (deliberate_imports, "DeliberateImports")]


@pytest.mark.parametrize("fixes", [False, True])
def test_each_analysis_is_built_at_most_once_per_file(monkeypatch, fixes):
    counts = collections.Counter()
    for module, name in BUILT:
        cls = getattr(module, name)
        original = cls.__init__

        def counting(self, *args, __original=original, __name=name, **kwargs):
            if type(self).__name__ == __name:
                counts[__name] += 1
            __original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counting)
    found = analyze(SOURCE, "a.py", Config(), fixes=fixes).diagnostics
    assert {d.code[:4] for d in found} >= {"HDL1", "HDL2", "HDL3", "HDL5"}
    assert counts["StrategyReceivers"] == 1 and counts["ModelScan"] == 1
    assert max(counts.values()) == 1, counts
    if fixes:
        assert counts["TensorflowAlias"] == 1


def test_the_context_has_no_string_keyed_cache():
    assert not hasattr(checking.LintContext, "cache")


def test_a_fix_planned_on_a_skeleton_reads_the_scans_import_placements(monkeypatch):
    # the scan decided the findings from `ast`; planning their fixes on a libcst tree of a
    # skeleton asks the same placement questions of the same tree: answered once
    source = ("import tensorflow as tf\nfrom tensorflow.python.framework import ops\n\n\n"
              "def f():\n    return 1\n\n\nx = ops.convert_to_tensor([1.0])\n")
    built = collections.Counter()
    original = deliberate_imports.DeliberateImports.__init__

    def counting(self, *args, **kwargs):
        built["DeliberateImports"] += 1
        original(self, *args, **kwargs)

    monkeypatch.setattr(deliberate_imports.DeliberateImports, "__init__", counting)
    analysis = analyze(source, "a.py", Config(), fixes=True, partial=True)
    assert analysis.skeleton is not None and [d.code for d in analysis.diagnostics] == ["HDL103"]
    assert analysis.diagnostics[0].fix is not None
    assert built["DeliberateImports"] == 1
