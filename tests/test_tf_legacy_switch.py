"""Where `TF_USE_LEGACY_KERAS=1` still takes effect, measured under real TF 2.21 + tf-keras 2.21
+ tensorflow-hub 0.16.1 (CPU, no network), each ordering in its own plain `python3 prog.py`.

The table below is what HDL501/HDL502 encode (hub_dist_lint/rules/keras3.py). Every program
builds a `hub.KerasLayer` into a Sequential model and into a functional model and trains each
for one epoch; it records which Keras `Sequential` and `Dense` came from. The same programs
are linted: HDL5 reports exactly those that fail, and after `python3 -m hub_dist_lint fix`
every one of those trains.

What was measured (TF 2.21; "half": the model mixes tf-keras and Keras 3 and fails too):
- `import tensorflow` reads the variable to route `from tensorflow.keras import ...` and
  `import tensorflow.keras` (the import system). Such an import also rebinds `tf.keras`.
- `tf.keras.<name>` reads it at the first attribute access through `tf.keras` (a lazy
  loader): a bare `tf.keras` or `from tensorflow import keras` does not load it.
- So set after `import tensorflow` (or after `import keras`, `import tf_keras`, which import
  TensorFlow), `tf.keras.Sequential` is tf-keras at first, but `hub.KerasLayer(handle)` runs
  `from tensorflow.keras.saving.saved_model import load_context` (tensorflow_hub/keras_layer.py,
  load_module): from then on `tf.keras` is Keras 3, and the model is half of each: "half".
  With hub, the switch must come before TensorFlow is first imported.
- After a `tf.keras.<name>` access, `from tensorflow.keras import`, `import tensorflow.keras`
  or `import tensorflow_hub` (which reads `tf.keras.version`), it has no effect at all.
- `os.environ.setdefault` and `os.environ.update` work like assignment; `os.putenv` never
  does (TensorFlow reads `os.environ`); only "1", "true" and "True" count ("TRUE" does not).
- `import keras` is Keras 3 whatever the variable says.
"""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import run_cli
from hub_dist_lint.config import Config
from hub_dist_lint.engine import lint
from tf_support import ENV, LEGACY_ENV, run_python

pytestmark = pytest.mark.tf
pytest.importorskip("tensorflow")
pytest.importorskip("tensorflow_hub")
pytest.importorskip("tf_keras")

SWITCH = 'os.environ["TF_USE_LEGACY_KERAS"] = "1"'

# How the program spells its Keras: the import lines, then Sequential, Input, Model, Dense.
SPELLINGS = {
    "attr": ("", "tf.keras.Sequential", "tf.keras.Input", "tf.keras.Model", "tf.keras.layers.Dense"),
    "from": ("from tensorflow.keras import Input, Model, Sequential, layers",
             "Sequential", "Input", "Model", "layers.Dense"),
    "package": ("import keras", "keras.Sequential", "keras.Input", "keras.Model", "keras.layers.Dense"),
    "bound": ("from tensorflow import keras", "keras.Sequential", "keras.Input", "keras.Model",
              "keras.layers.Dense"),
}

# (ordering, lines before the program body, spelling, Keras the model gets: "tf_keras" or "keras")
ORDERINGS = [
    ("no switch", "", "attr", "keras"),
    ("no switch", "", "from", "keras"),
    ("before import tensorflow", SWITCH + "\nimport tensorflow as tf", "attr", "tf_keras"),
    ("before import tensorflow", SWITCH + "\nimport tensorflow as tf", "from", "tf_keras"),
    ("before import tensorflow", SWITCH + "\nimport tensorflow as tf", "package", "keras"),
    ("right after import tensorflow", "import tensorflow as tf\n" + SWITCH, "attr", "half"),
    ("right after import tensorflow", "import tensorflow as tf\n" + SWITCH, "from", "keras"),
    # every Keras name bound by `from tensorflow import keras` after the switch, before the
    # first hub layer: it works (HDL502 says fragile, not "no effect")
    ("right after import tensorflow", "import tensorflow as tf\n" + SWITCH, "bound", "tf_keras"),
    ("after from tensorflow import keras",
     "import tensorflow as tf\nfrom tensorflow import keras as tfk\n" + SWITCH, "attr", "half"),
    ("after from tensorflow import keras",
     "import tensorflow as tf\nfrom tensorflow import keras as tfk\n" + SWITCH, "from", "keras"),
    ("after a bare tf.keras", "import tensorflow as tf\ntf.keras\n" + SWITCH, "attr", "half"),
    ("after a bare tf.keras", "import tensorflow as tf\ntf.keras\n" + SWITCH, "from", "keras"),
    ("after tf.keras.layers", "import tensorflow as tf\ntf.keras.layers\n" + SWITCH, "attr", "keras"),
    ("after tf.keras.layers", "import tensorflow as tf\ntf.keras.layers\n" + SWITCH, "from", "keras"),
    ("after from tensorflow.keras import layers",
     "import tensorflow as tf\nfrom tensorflow.keras import layers as early\n" + SWITCH,
     "attr", "keras"),
    ("after from tensorflow.keras import layers",
     "import tensorflow as tf\nfrom tensorflow.keras import layers as early\n" + SWITCH,
     "from", "keras"),
    ("after import tensorflow.keras", "import tensorflow.keras\n" + SWITCH, "attr", "keras"),
    ("after import tensorflow.keras", "import tensorflow.keras\n" + SWITCH, "from", "keras"),
    ("after import tensorflow_hub", "import tensorflow as tf\nimport tensorflow_hub as hub\n" + SWITCH,
     "attr", "keras"),
    ("after import tensorflow_hub", "import tensorflow as tf\nimport tensorflow_hub as hub\n" + SWITCH,
     "from", "keras"),
    ("after import tensorflow_hub alone", "import tensorflow_hub as hub\n" + SWITCH, "attr", "keras"),
    ("after import keras", "import keras\n" + SWITCH, "attr", "half"),
    ("after import keras", "import keras\n" + SWITCH, "from", "keras"),
    ("after import keras; keras.layers", "import keras\nkeras.layers.Dense\n" + SWITCH,
     "attr", "half"),
    ("after import tf_keras", "import tf_keras\n" + SWITCH, "attr", "half"),
    ("after import tf_keras", "import tf_keras\n" + SWITCH, "from", "keras"),
    ("after import tensorflow, tf_keras", "import tensorflow as tf\nimport tf_keras\n" + SWITCH,
     "attr", "half"),
    ("setdefault before import tensorflow",
     'os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")\nimport tensorflow as tf', "attr", "tf_keras"),
    ("setdefault before import tensorflow",
     'os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")\nimport tensorflow as tf', "from", "tf_keras"),
    ("setdefault after import tensorflow_hub",
     'import tensorflow_hub as hub\nos.environ.setdefault("TF_USE_LEGACY_KERAS", "1")',
     "attr", "keras"),
    ("environ.update before import tensorflow",
     'os.environ.update({"TF_USE_LEGACY_KERAS": "1"})\nimport tensorflow as tf', "from", "tf_keras"),
    ("environ.update after tf.keras.layers",
     'import tensorflow as tf\ntf.keras.layers\nos.environ.update({"TF_USE_LEGACY_KERAS": "1"})',
     "attr", "keras"),
    ("os.putenv before import tensorflow",
     'os.putenv("TF_USE_LEGACY_KERAS", "1")\nimport tensorflow as tf', "attr", "keras"),
    ("os.putenv before import tensorflow",
     'os.putenv("TF_USE_LEGACY_KERAS", "1")\nimport tensorflow as tf', "from", "keras"),
    ('"true" before import tensorflow', SWITCH.replace('"1"', '"true"') + "\nimport tensorflow as tf",
     "from", "tf_keras"),
    ('"True" before import tensorflow', SWITCH.replace('"1"', '"True"') + "\nimport tensorflow as tf",
     "from", "tf_keras"),
    ('"TRUE" before import tensorflow', SWITCH.replace('"1"', '"TRUE"') + "\nimport tensorflow as tf",
     "attr", "keras"),
]

BODY = '''\
import json
import sys

import numpy as np
import tensorflow as tf
import tensorflow_hub as hub
{imports}

MODEL = sys.argv[1]


def sequential():
    return {Sequential}([{Input}((4,)), hub.KerasLayer(MODEL, trainable=True), {Dense}(1)])


def functional():
    inputs = {Input}((4,))
    outputs = {Dense}(1)(hub.KerasLayer(MODEL, trainable=True)(inputs))
    return {Model}(inputs, outputs)


def attempt(build):
    try:
        model = build()
        model.compile(optimizer="sgd", loss="mse")
        model.fit(np.ones((4, 4), "float32"), np.zeros((4, 1), "float32"), epochs=1, verbose=0)
        return "trains"
    except Exception as exc:  # the outcome is what is measured
        return type(exc).__name__ + ": " + str(exc)


result = {{
    "Sequential": {Sequential}.__module__.split(".")[0],
    "Dense": {Dense}.__module__.split(".")[0],
    "hub layer": hub.KerasLayer.__mro__[1].__module__.split(".")[0],
    "sequential": attempt(sequential),
    "functional": attempt(functional),
}}
result["Dense after a hub layer"] = {Dense}.__module__.split(".")[0]
print("RESULT " + json.dumps(result))
'''

SEQUENTIAL_ERROR = "ValueError: Only instances of `keras.Layer` can be added to a Sequential model"
HALF_ERROR = "TypeError: The added layer must be an instance of class Layer"
FUNCTIONAL_ERROR = "A KerasTensor cannot be used as input to a TensorFlow function"


def program_text(prefix: str, spelling: str) -> str:
    imports, seq, inp, model, dense = SPELLINGS[spelling]
    body = BODY.format(imports=imports, Sequential=seq, Input=inp, Model=model, Dense=dense)
    return "import os\n" + (prefix + "\n" if prefix else "") + body


def run_program(path, model_dir):
    done = run_python(path, model_dir)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"{path.name} crashed:\n{done.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULT "):])


def check_outcome(result, keras, where):
    first, after = ("tf_keras", "keras") if keras == "half" else (keras, keras)
    assert (result["Sequential"], result["Dense"]) == (first, first), (where, result)
    assert result["Dense after a hub layer"] == after, (where, result)
    assert result["hub layer"] == "tf_keras", (where, result)
    if keras == "half":
        assert result["sequential"].startswith(HALF_ERROR), (where, result)
        assert result["functional"] != "trains", (where, result)
    elif keras == "tf_keras":
        assert (result["sequential"], result["functional"]) == ("trains", "trains"), (where, result)
    else:
        assert result["sequential"].startswith(SEQUENTIAL_ERROR), (where, result)
        assert FUNCTIONAL_ERROR in result["functional"], (where, result)


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("orderings")
    paths = []
    for index, (_, prefix, spelling, _) in enumerate(ORDERINGS):
        path = folder / f"ordering_{index:02d}.py"
        path.write_text(program_text(prefix, spelling))
        paths.append(path)
    return paths


def run_all(paths, model_dir):
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda path: run_program(path, model_dir), paths))


def test_where_the_switch_takes_effect(programs, hub_model):
    wrong = []
    for (ordering, _, spelling, keras), result in zip(ORDERINGS, run_all(programs, hub_model)):
        try:
            check_outcome(result, keras, f"{ordering} ({spelling})")
        except AssertionError as exc:
            wrong.append(str(exc)[:600])
    assert not wrong, "\n".join(wrong)


def test_switch_in_the_process_environment_is_the_reference(tmp_path, hub_model):
    path = tmp_path / "env.py"
    path.write_text(program_text("", "from"))
    done = run_python(path, hub_model, env=LEGACY_ENV)
    result = json.loads(done.stdout.split("RESULT ", 1)[1])
    check_outcome(result, "tf_keras", "in the process environment")


def test_hdl5_reports_exactly_the_programs_that_fail(programs):
    """...except a switch set after `import tensorflow` alone: whether the program works
    depends on the order of its Keras reads ("half" when a tf.keras name is read after the
    first hub layer, tf-keras when every name is bound before it), and HDL502 says it is
    fragile, never that it has no effect."""
    config = Config(select=("HDL5",))
    fragile_outcomes = set()
    for (ordering, _, spelling, keras), path in zip(ORDERINGS, programs):
        found = lint(path.read_bytes(), str(path), config)
        fragile = [d for d in found if d.code == "HDL502" and "is fragile" in d.message]
        if fragile:
            assert "has no effect" not in fragile[0].message, fragile[0].message
            fragile_outcomes.add(keras)
            continue
        assert bool(found) == (keras != "tf_keras"), (ordering, spelling, [d.code for d in found])
    assert fragile_outcomes == {"half", "tf_keras"}, fragile_outcomes


def test_fixed_programs_train(programs, hub_model, tmp_path):
    failing = [(row, path) for row, path in zip(ORDERINGS, programs) if row[3] != "tf_keras"]
    copies = []
    for (ordering, _, spelling, _), path in failing:
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes())
        done = run_cli(copy, "--select", "HDL5", "--unsafe-fixes", fix=True, env=ENV)
        assert done.returncode in (0, 1), done.stderr.decode()
        assert run_cli(copy, "--select", "HDL5", env=ENV).returncode == 0, (ordering, spelling)
        copies.append(copy)
    wrong = []
    for ((ordering, _, spelling, _), _), result in zip(failing, run_all(copies, hub_model)):
        try:
            check_outcome(result, "tf_keras", f"fixed: {ordering} ({spelling})")
        except AssertionError as exc:
            wrong.append(str(exc)[:600])
    assert not wrong, "\n".join(wrong)
    assert len(copies) >= 25
