"""HDL203-HDL205's facts and precision (no TensorFlow: the measurements are in
tests/test_tf_keras_scope.py, the fixes' proofs in tests/programs/fixsafety/hdl20[345]_*)."""

import libcst as cst
import pytest

from hub_dist_lint.config import Config
from hub_dist_lint.engine import analyze
from hub_dist_lint.keras_facts import class_makers, keras_classes


def codes(source: str, target: str = "2.21"):
    return [d.code for d in analyze(source, "x.py", Config(target_tf=target)).diagnostics]


def test_optimizer_classes_come_from_the_wheels():
    keras3 = keras_classes("optimizer", "2.21", "keras")
    assert "tf.keras.optimizers.Adam" in keras3 and "tf.keras.optimizers.Lion" in keras3
    assert "tf.keras.optimizers.get" not in keras3  # a function
    assert "tf.keras.optimizers.schedules.ExponentialDecay" not in keras3  # not an optimizer
    assert "tf.keras.optimizers.Adam" in keras_classes("optimizer", "2.21", "tf_keras")
    assert keras_classes("optimizer", "2.15", "tf_keras") == ()  # tf-keras from 2.16
    assert "tf.keras.optimizers.Adam" in keras_classes("optimizer", "2.10", "keras")


def test_makers_cover_the_spellings():
    makers = class_makers(("optimizer", "model", "loaded model"), "2.21")
    assert makers["tensorflow.keras.optimizers.Adam"] == ("optimizer", "keras", "tf.keras.optimizers.Adam")
    assert makers["tensorflow.optimizers.Adam"][0] == "optimizer"  # tf.optimizers aliases it
    assert makers["keras.optimizers.Adam"][1] == "keras"
    assert makers["tf_keras.optimizers.Adam"] == ("optimizer", "tf_keras", "tf_keras.optimizers.Adam")
    assert makers["tensorflow.keras.models.load_model"][0] == "loaded model"
    assert makers["tensorflow.keras.Sequential"][0] == "model"


HEAD = "import tensorflow as tf\nstrategy = tf.distribute.MirroredStrategy()\n"
MODEL = "    model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"


def test_optimizer_only_where_keras3():
    source = (HEAD + "optimizer = tf.keras.optimizers.Adam()\nwith strategy.scope():\n" + MODEL
              + "    model.compile(optimizer=optimizer, loss='mse')\n")
    assert codes(source) == ["HDL203"]
    assert codes(source, "2.15") == []  # Keras 2 tolerates it


def test_not_compiled_in_a_scope_is_not_reported():
    source = (HEAD + "optimizer = tf.keras.optimizers.Adam()\n" + MODEL.strip()
              + "\nmodel.compile(optimizer=optimizer, loss='mse')\n")
    assert codes(source) == []


def test_string_names_are_made_by_compile():
    source = (HEAD + "with strategy.scope():\n" + MODEL
              + "    model.compile(optimizer='adam', loss='mse', metrics=['auc'])\n")
    assert codes(source) == []


def test_pair_made_outside_says_it_trains_without_the_strategy():
    source = (HEAD + "optimizer = tf.keras.optimizers.Adam()\n" + MODEL.strip()
              + "\nwith strategy.scope():\n    model.compile(optimizer=optimizer, loss='mse')\n")
    found = analyze(source, "x.py", Config(target_tf="2.21")).diagnostics
    assert [d.code for d in found] == ["HDL203", "HDL204"]
    assert all("trains without the strategy" in d.message for d in found)



@pytest.mark.parametrize("made", [
    "from tensorflow.keras.optimizers import Adam as A\noptimizer = A(1e-3)\n",
    "import tensorflow as tf\nOpt = tf.keras.optimizers.Adam\noptimizer = Opt(1e-3)\n",
    "import tensorflow as tf\noptimizer = tf.keras.optimizers.Adam(1e-3)\n",
])
def test_the_import_scan_does_not_rule_out_a_maker_called_under_another_name(made):
    source = ("import tensorflow as tf\n" + made + "strategy = tf.distribute.MirroredStrategy()\n"
              "with strategy.scope():\n    model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
              "    model.compile(optimizer=optimizer, loss='mse')\n")
    scanned = analyze(source, "x.py")
    full = analyze(source, "x.py", module=cst.parse_module(source))
    assert [d.code for d in scanned.diagnostics] == [d.code for d in full.diagnostics]
