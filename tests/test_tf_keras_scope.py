"""Keeps the HDL203-HDL205 measurements true (rules/keras_scope.py's table): each cell of
tests/programs/keras_scope_matrix.py run as its own program under TF 2.21, Keras 3 and
tf-keras, on 2 logical CPUs."""

import importlib.util

import pytest

from tf_support import ROOT, run_python

pytestmark = pytest.mark.tf
if any(importlib.util.find_spec(name) is None for name in ("tensorflow", "tf_keras")):
    pytest.skip("needs tensorflow and tf_keras", allow_module_level=True)

MATRIX = ROOT / "tests" / "programs" / "keras_scope_matrix.py"

# (Keras, case) -> how the cell's last line starts
EXPECTED = {
    ("keras3", "optimizer_outside"): "RuntimeError: Mixing different tf.distribute.Strategy objects",
    ("tf_keras", "optimizer_outside"): "trains",
    ("keras3", "optimizer_outside_inline_schedule"): "trains",
    ("keras3", "model_outside"): 'RuntimeError: Need to be inside "with strategy.scope()"',
    ("tf_keras", "model_outside"): "ValueError: Variable (",
    ("keras3", "model_outside_unbuilt"): 'RuntimeError: Need to be inside "with strategy.scope()"',
    ("keras3", "metric_outside"): "trains",
    ("tf_keras", "metric_outside"): "ValueError: Metric (",
    ("keras3", "loss_outside"): "trains",
    ("tf_keras", "loss_outside"): "trains",
    ("keras3", "load_model_outside"): 'RuntimeError: Need to be inside "with strategy.scope()"',
    ("tf_keras", "load_model_outside"): "ValueError: Variable (",
    ("keras3", "checkpoint_restored_outside"): "trains",
    ("tf_keras", "checkpoint_restored_outside"): "trains",
    ("keras3", "keras_distribution_mixed"): "trains",
}


@pytest.mark.parametrize("keras, case", sorted(EXPECTED), ids="-".join)
def test_cell(keras, case):
    done = run_python(MATRIX, keras, case, timeout=600)
    lines = done.stdout.strip().splitlines()
    assert lines and lines[-1].startswith(EXPECTED[keras, case]), done.stdout[-1000:] + done.stderr[-2000:]
