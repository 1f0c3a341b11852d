"""HDL5xx (hub.KerasLayer and Keras 3) on small sources; tests/test_tf_keras3.py runs the
programs under real TensorFlow."""

import os
import tempfile

import pytest

from hub_dist_lint.config import Config
from hub_dist_lint.engine import all_rules, lint
from hub_dist_lint.fixing import fix_source

# HDL501/502 fixes in a .py file are unsafe: these tests apply them as --unsafe-fixes does
HDL5 = Config(select=("HDL5",), unsafe_fixes=True)
HEAD = "import tensorflow as tf\nimport tensorflow_hub as hub\n"


def codes(source, target=None):
    config = Config(select=("HDL5",), target_tf=target)
    return [(d.line, d.code) for d in lint(source, config=config)]


def fixed(source, config=HDL5):
    """Fixed as a lone file on disk: a script nothing imports, so proven an entry point
    (analysis/entry_point.py); on stdin nothing proves it."""
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "script.py")
        with open(path, "w") as handle:
            handle.write(source)
        new, done, left = fix_source(source.encode(), path=path, config=config)
    return new.decode(), done, left


def reasons(source):
    return [d.no_fix_reason for d in fixed(source)[2]]


@pytest.mark.parametrize("rule", [r for r in all_rules() if r.code in ("HDL501", "HDL502")],
                         ids=lambda r: r.code)
def test_nothing_before_keras3(rule):
    # (HDL503, like HDL101, reports private imports at every target: keras.engine moved in 2.13)
    for example in rule.INVALID:
        assert codes(example.code, "2.15") == [], example.code
        assert codes(example.code, "2.16"), example.code


# -- HDL501: how a hub layer reaches a Keras 3 model ---------------------------------

REACHING = {
    "inline": "m = tf.keras.Sequential([hub.KerasLayer('u')])\n",
    "name": "layer = hub.KerasLayer('u')\nm = tf.keras.Sequential([tf.keras.Input((4,)), layer])\n",
    "layers keyword": "m = tf.keras.models.Sequential(layers=[hub.KerasLayer('u')])\n",
    "list variable": "ls = [hub.KerasLayer('u')]\nm = tf.keras.Sequential(ls)\n",
    "add": "m = tf.keras.Sequential()\nm.add(hub.KerasLayer('u'))\n",
    "functional": "x = tf.keras.Input((), dtype=tf.string)\ny = hub.KerasLayer('u')(x)\n",
    "functional through a layer": "x = tf.keras.Input((4,))\nh = tf.keras.layers.Dense(4)(x)\n"
                                  "e = hub.KerasLayer('u')\ny = e(h)\n",
    "returned by a function": "def enc():\n    return hub.KerasLayer('u')\n\n\n"
                              "m = tf.keras.Sequential([enc()])\n",
    "module global in a function": "layer = hub.KerasLayer('u')\n\n\ndef build():\n"
                                   "    return tf.keras.Sequential([layer])\n",
    "from import": "from tensorflow.keras import Sequential\n"
                   "m = Sequential([hub.KerasLayer('u')])\n",
    "from tensorflow import keras": "from tensorflow import keras\n"
                                    "m = keras.Sequential([hub.KerasLayer('u')])\n",
    "keras package": "import keras\nm = keras.Sequential([hub.KerasLayer('u')])\n",
    "hub alias": "from tensorflow_hub import KerasLayer\nm = tf.keras.Sequential([KerasLayer('u')])\n",
    # issue 22: the forms real code writes (each measured failing under TF 2.21 by
    # tests/programs/keras3_dataflow.py)
    "list of inputs": "a = tf.keras.Input((4,))\nb = tf.keras.layers.Input((4,))\n"
                      "y = hub.KerasLayer('u')([a, b])\n",
    "dict(...) of inputs": "a = tf.keras.Input((4,))\ny = hub.KerasLayer('u')(dict(input_word_ids=a))\n",
    "dict display through a name": "a = tf.keras.Input((4,))\nfeed = {'input_word_ids': a}\n"
                                   "e = hub.KerasLayer('u')\ny = e(feed)\n",
    "input through a name": "inputs = tf.keras.Input((4,))\nx = inputs\ny = hub.KerasLayer('u')(x)\n",
    "rebound through layers": "inputs = tf.keras.Input((4,))\nx = tf.keras.layers.Dense(4)(inputs)\n"
                              "e = hub.KerasLayer('u')\nx = e(x)\nx = tf.keras.layers.Dense(1)(x)\n",
    "lambda first": "inputs = tf.keras.Input((4,))\n"
                    "y = hub.KerasLayer('u')(tf.keras.layers.Lambda(lambda t: t)(inputs))\n",
    "subclass of hub.KerasLayer": "class Enc(hub.KerasLayer):\n    pass\n\n\nclass Deeper(Enc):\n"
                                  "    pass\n\n\nm = tf.keras.Sequential([Deeper('u')])\n",
    "TimeDistributed": "w = tf.keras.layers.TimeDistributed(hub.KerasLayer('u'))\n",
    "list joined with +": "head = [tf.keras.layers.Dense(1)]\n"
                          "m = tf.keras.Sequential([tf.keras.Input((4,))] + [hub.KerasLayer('u')] + head)\n",
    "comprehension": "encs = [hub.KerasLayer(h) for h in ['u', 'v']]\nm = tf.keras.Sequential(encs)\n",
    "add in a loop": "m = tf.keras.Sequential()\nfor layer in [hub.KerasLayer('u'), tf.keras.layers.Dense(1)]:\n"
                     "    m.add(layer)\n",
    "keras alias": "keras = tf.keras\nm = keras.Sequential([hub.KerasLayer('u')])\n",
    "the binding just before the read": "x = tf.keras.Input((4,))\nif x.shape[0]:\n"
                                        "    e = hub.KerasLayer('u')\n    y = e(x)\nelse:\n"
                                        "    e = tf.keras.layers.Dense(3)\n    y = e(x)\n",
    "self attribute set once": "class M(tf.keras.Model):\n    def __init__(self):\n"
                               "        super().__init__()\n        self.pre = hub.KerasLayer('u')\n\n"
                               "    def build_encoder(self):\n        text = tf.keras.Input((), dtype=tf.string)\n"
                               "        return self.pre(text)\n",
    "Sequential alias": "Sequential = tf.keras.Sequential\n\n\ndef build():\n"
                          "    return Sequential([hub.KerasLayer('u')])\n",
}


@pytest.mark.parametrize("body", REACHING.values(), ids=REACHING.keys())
def test_reaching_forms(body):
    found = codes(HEAD + body)
    assert [code for _, code in found] == ["HDL501"], found


NOT_REACHING = {
    "tf_keras model": "import tf_keras\nm = tf_keras.Sequential([hub.KerasLayer('u')])\n",
    "used alone": "e = hub.KerasLayer('u')\nv = e(['text'])\n",
    "bound twice": "layer = hub.KerasLayer('u')\nlayer = tf.keras.layers.Dense(3)\n"
                   "m = tf.keras.Sequential([layer])\n",
    "a parameter": "def build(layer):\n    return tf.keras.Sequential([layer])\n",
    "called on a plain tensor": "e = hub.KerasLayer('u')\ny = e(tf.constant(['a']))\n",
    "hub.load is not a layer": "m = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
                               "x = hub.load('u')\n",
    "tf.keras switched in time": "",  # see test_switch_before_tensorflow_silences
    "comprehension over a parameter": "def build(handles):\n"
                                      "    return tf.keras.Sequential([hub.KerasLayer(h) for h in handles])\n",
    "add under a condition in a loop": "m = tf.keras.Sequential()\nfor layer in [hub.KerasLayer('u')]:\n"
                                       "    if layer.trainable:\n        m.add(layer)\n",
    "rebound to a plain tensor": "x = tf.keras.Input((4,))\nx = tf.ones((1, 4))\n"
                                 "y = hub.KerasLayer('u')(x)\n",
    "list of plain tensors": "y = hub.KerasLayer('u')([tf.ones((1, 4)), tf.zeros((1, 4))])\n",
    "tf_keras wrapper": "import tf_keras\nw = tf_keras.layers.TimeDistributed(hub.KerasLayer('u'))\n",
    "alias bound twice": "keras = tf.keras\nkeras = None\nm = keras.Sequential([hub.KerasLayer('u')])\n",
    "a binding in a branch between": "x = tf.keras.Input((4,))\ne = hub.KerasLayer('u')\n"
                                     "if x.shape[0]:\n    e = tf.keras.layers.Dense(3)\ny = e(x)\n",
    "a class not from hub": "class Enc(tf.keras.layers.Layer):\n    pass\n\n\n"
                            "m = tf.keras.Sequential([Enc(), hub.KerasLayer('u')(tf.ones((1, 4)))])\n",
}


@pytest.mark.parametrize("body", [b for b in NOT_REACHING.values() if b],
                         ids=[k for k, b in NOT_REACHING.items() if b])
def test_not_reaching(body):
    assert codes(HEAD + body) == []


def test_a_hub_layer_on_another_hub_layers_output_is_reported_once():
    # only pre(x) (line 6): it fails first, enc(...) is never reached
    body = ("x = tf.keras.Input((), dtype=tf.string)\npre = hub.KerasLayer('u')\n"
            "enc = hub.KerasLayer('v')\ny = enc(pre(x))\n")
    assert codes(HEAD + body) == [(6, "HDL501")]


# -- HDL504: a trainable hub layer held by a Keras 3 subclass ----------------------------

def _subclass(base, layer, head=""):
    return (head + HEAD + f"\n\nclass M({base}):\n    def __init__(self, handle, trainable):\n"
            f"        super().__init__()\n        self.encoder = {layer}\n")


@pytest.mark.parametrize("base,layer", [
    ("tf.keras.Model", "hub.KerasLayer(handle, trainable=True)"),
    ("tf.keras.layers.Layer", "hub.KerasLayer(handle, trainable=True)"),
    ("keras.Model", "hub.KerasLayer(handle, trainable=True)"),
])
def test_untracked_hub_layer(base, layer):
    head = "import keras\n" if base.startswith("keras.") else ""
    assert [code for _, code in codes(_subclass(base, layer, head))] == ["HDL504"]


@pytest.mark.parametrize("base,layer", [
    ("tf.keras.Model", "hub.KerasLayer(handle)"),  # trainable=False: measured to work
    ("tf.keras.Model", "hub.KerasLayer(handle, trainable=False)"),
    ("tf.keras.Model", "hub.KerasLayer(handle, trainable=trainable)"),  # not known here
    ("object", "hub.KerasLayer(handle, trainable=True)"),
])
def test_untracked_hub_layer_not_reported(base, layer):
    assert codes(_subclass(base, layer)) == []


def test_untracked_hub_layer_in_a_library_class_has_no_fix():
    assert reasons(_subclass("tf.keras.Model", "hub.KerasLayer(handle, trainable=True)")) == [
        "the model leaves this file (this file makes no M: other modules do): move its users to "
        "tf-keras too"]


def test_switch_before_tensorflow_silences_tf_keras_but_not_the_keras_package():
    switch = "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\n"
    assert codes(switch + HEAD + REACHING["inline"]) == []
    # measured: `import keras` is Keras 3 whatever the variable says
    assert [c for _, c in codes(switch + HEAD + REACHING["keras package"])] == ["HDL501"]


def test_late_switch_is_reported_once_by_hdl502():
    source = HEAD + "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\n" + REACHING["inline"]
    assert [c for _, c in codes(source)] == ["HDL502"]


# -- HDL501 fixes ----------------------------------------------------------------------

def test_entry_point_gets_the_switch_after_docstring_and_stdlib_imports():
    source = ('"""Train."""\nfrom __future__ import annotations\nimport sys\n' + HEAD +
              "\n\ndef main():\n    m = tf.keras.Sequential([hub.KerasLayer(sys.argv[1])])\n"
              "\n\nif __name__ == '__main__':\n    main()\n")
    new, done, _ = fixed(source)
    assert new.startswith('"""Train."""\nfrom __future__ import annotations\nimport sys\n'
                          'import os\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n'
                          '    os.environ["TF_USE_LEGACY_KERAS"] = "1"\nimport tensorflow')
    assert [d.code for d in done] == ["HDL501"]
    assert codes(new) == []


def test_entry_point_reuses_its_import_os():
    new, _, _ = fixed("import os\n" + HEAD + REACHING["inline"])
    assert new.startswith('import os\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n'
                          '    os.environ["TF_USE_LEGACY_KERAS"] = "1"\nimport tensorflow')


def test_library_module_is_moved_to_tf_keras_whole():
    source = (HEAD + "from tensorflow.keras import layers\nfrom tensorflow.keras.layers import Dense\n"
              "\n\ndef train(ds):\n    m = tf.keras.Sequential([hub.KerasLayer('u'), layers.Dense(2),"
              " Dense(1)])\n    m.compile(tf.optimizers.Adam(), tf.losses.MeanSquaredError(),"
              " metrics=[tf.metrics.AUC()])\n    m.fit(ds, callbacks=[tf.keras.callbacks.EarlyStopping()])\n")
    new, done, left = fixed(source)
    assert left == [] and [d.code for d in done] == ["HDL501"]
    assert new == (
        "import tf_keras\n" + HEAD + "from tf_keras import layers\nfrom tf_keras.layers import Dense\n"
        "\n\ndef train(ds):\n    m = tf_keras.Sequential([hub.KerasLayer('u'), layers.Dense(2),"
        " Dense(1)])\n    m.compile(tf_keras.optimizers.Adam(), tf_keras.losses.MeanSquaredError(),"
        " metrics=[tf_keras.metrics.AUC()])\n    m.fit(ds, callbacks=[tf_keras.callbacks.EarlyStopping()])\n")
    assert codes(new) == []


def test_keras_package_file_becomes_tf_keras_as_keras():
    source = ("import keras\nimport tensorflow_hub as hub\nfrom keras import layers\n\n\n"
              "def fit(ds):\n    m = keras.Sequential([hub.KerasLayer('u'), layers.Dense(1)])\n"
              "    m.fit(ds)\n")
    new, done, _ = fixed(source)
    assert new == ("import tf_keras as keras\nimport tensorflow_hub as hub\nfrom tf_keras import layers"
                   "\n\n\ndef fit(ds):\n    m = keras.Sequential([hub.KerasLayer('u'), layers.Dense(1)])\n"
                   "    m.fit(ds)\n")


NO_FIX = {
    "keras.ops": ("import keras\nimport tensorflow_hub as hub\n\n\ndef f():\n"
                  "    m = keras.Sequential([hub.KerasLayer('u')])\n    keras.ops.relu(1)\n",
                  "the file uses keras.ops.relu, which is Keras 3 only (tf-keras has no tf.keras.ops.relu in TF 2.21)"),
    "returned by a library function": (HEAD + "\n\ndef build():\n"
                                       "    return tf.keras.Sequential([hub.KerasLayer('u')])\n",
                                       "build() returns it to callers that may be in other modules"),
    "passed to another module": (HEAD + "import trainer\n\n\ndef build():\n"
                                 "    m = tf.keras.Sequential([hub.KerasLayer('u')])\n"
                                 "    trainer.fit(m)\n", "it is passed to trainer.fit()"),
    "stored on an attribute": (HEAD + "\n\nclass A:\n    def build(self):\n"
                               "        self.m = tf.keras.Sequential([hub.KerasLayer('u')])\n",
                               "stored on an attribute"),
    "a Keras 3 library": (HEAD + "import keras_nlp\n\n\ndef f():\n"
                          "    m = tf.keras.Sequential([hub.KerasLayer('u')])\n    m.fit()\n",
                          "imports keras_nlp"),
}


@pytest.mark.parametrize("source,why", NO_FIX.values(), ids=NO_FIX.keys())
def test_no_fix_and_why(source, why):
    new, done, left = fixed(source)
    assert new == source and done == []
    assert [d.code for d in left] == ["HDL501"]
    assert why in left[0].no_fix_reason, left[0].no_fix_reason


def test_entry_point_returning_its_model_to_itself_is_rewritten_when_it_imports_keras():
    source = ("import keras\nimport tensorflow_hub as hub\n\n\ndef build():\n"
              "    return keras.Sequential([hub.KerasLayer('u')])\n\n\n"
              "if __name__ == '__main__':\n    build().fit()\n")
    new, done, _ = fixed(source)
    assert new.startswith("import tf_keras as keras\n") and done


# -- HDL502 ------------------------------------------------------------------------------

def test_late_switch_messages():
    def message(source):
        [d] = lint(source, config=HDL5)
        return d.code, d.line, d.message

    code, line, text = message("import os\nimport tensorflow_hub as hub\n"
                               "os.environ['TF_USE_LEGACY_KERAS'] = '1'\n")
    assert (code, line) == ("HDL502", 3)
    assert "after `import tensorflow_hub` (line 2), which already loaded Keras 3" in text
    _, _, text = message(HEAD.replace("import tensorflow_hub as hub\n", "") +
                         "import os\nx = tf.keras.layers.Dense\n"
                         "os.environ.setdefault('TF_USE_LEGACY_KERAS', '1')\n")
    assert "after `tf.keras.layers`" in text
    _, _, text = message("import os\nos.environ.update({'TF_USE_LEGACY_KERAS': 'TRUE'})\n")
    assert "TensorFlow takes only \"1\", \"true\" or \"True\", not 'TRUE'" in text
    _, _, text = message("import os\nos.putenv('TF_USE_LEGACY_KERAS', '1')\n")
    assert "os.putenv() does not change os.environ" in text


def test_switch_after_import_tensorflow():
    base = "import os\nimport tensorflow as tf\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\n"
    # only tf.keras attributes after it: measured to take effect
    assert codes(base + "m = tf.keras.Sequential()\n") == []
    # a from-import of tensorflow.keras goes where `import tensorflow` sent it
    assert codes(base + "from tensorflow.keras import layers\n") == [(3, "HDL502")]
    # hub.KerasLayer re-imports tensorflow.keras when it loads a handle
    assert codes(base + "import tensorflow_hub as hub\nl = hub.KerasLayer('u')\n") == [(3, "HDL502")]
    # not when it wraps an object already loaded
    assert codes(base + "import tensorflow_hub as hub\nobj = tf.saved_model.load('u')\n"
                        "l = hub.KerasLayer(obj)\n") == []


@pytest.mark.parametrize("setting", [
    "os.environ['TF_USE_LEGACY_KERAS'] = '1'",
    "os.environ['TF_USE_LEGACY_KERAS'] = 'true'",
    "os.environ.setdefault('TF_USE_LEGACY_KERAS', 'True')",
    "os.environ.update({'TF_USE_LEGACY_KERAS': '1'})",
    "os.environ.update(TF_USE_LEGACY_KERAS='1')",
    "environ['TF_USE_LEGACY_KERAS'] = '1'",
])
def test_late_switch_forms_are_moved(setting):
    source = ("import os\nfrom os import environ\nimport tensorflow_hub as hub\n"
              f"{setting}\nprint(hub)\n")
    new, done, left = fixed(source)
    assert [d.code for d in done] == ["HDL502"], left
    # the guarded form, E402-clean among the imports (update() moves as written)
    assert new.count("TF_USE_LEGACY_KERAS") == (1 if "update" in setting else 2)
    assert new.index("TF_USE_LEGACY_KERAS") < new.index("import tensorflow_hub")
    assert codes(new) == []


def test_switch_in_a_function_has_no_fix():
    source = "import tensorflow_hub as hub\n\n\ndef main():\n    import os\n    os.environ['TF_USE_LEGACY_KERAS'] = '1'\n"
    new, done, left = fixed(source)
    assert new == source and [d.code for d in left] == ["HDL502"]
    assert "inside a function or block" in left[0].no_fix_reason


def test_switch_in_main_block_after_module_imports_is_late():
    source = HEAD + "import os\n\nif __name__ == '__main__':\n    os.environ['TF_USE_LEGACY_KERAS'] = '1'\n"
    assert codes(source) == [(6, "HDL502")]


def test_switch_off_and_not_literal_are_not_reported():
    for value in ("'0'", "'false'", "flag", "'1' if x else '0'"):
        source = f"import os\nimport tensorflow_hub as hub\nos.environ['TF_USE_LEGACY_KERAS'] = {value}\n"
        assert codes(source) == [], value


def test_putenv_without_os_prefix_has_no_fix():
    source = "from os import putenv\nputenv('TF_USE_LEGACY_KERAS', '1')\nimport tensorflow as tf\n"
    new, done, left = fixed(source)
    assert [d.code for d in left] == ["HDL502"] and new == source


# -- HDL503 ------------------------------------------------------------------------------

PRIVATE = [
    # (import, target, message part, fixed import or None)
    ("from keras.engine.training import Model", "2.21",
     "keras.engine.training.Model (where tf.keras.Model was defined in TF 2.6–2.12); use keras.Model",
     None),
    ("from keras.engine.training import Model", "2.12", "use keras.Model",
     "from keras import Model"),
    ("from keras.src.layers.core.dense import Dense", "2.21", "use keras.layers.Dense",
     "from keras.layers import Dense"),
    ("from keras.layers.pooling import MaxPooling2D as Pool", "2.8", "use keras.layers.MaxPooling2D",
     "from keras.layers import MaxPooling2D as Pool"),
    ("from keras.layers.convolutional import Convolution2D", "2.21",
     "use keras.layers.Convolution2D", None),
    ("from keras.utils import np_utils", "2.21", "a private module", None),
    ("from keras import engine", "2.21", "a private module", None),
    ("from tf_keras.src.engine.sequential import Sequential", "2.21", "use tf_keras.Sequential",
     "from tf_keras import Sequential"),
    ("from tf_keras.src.engine.sequential import Sequential", "2.15",
     "no public name", None),
    ("from tensorflow.keras.layers.core import Dropout", "2.21", "use tf.keras.layers.Dropout", None),
]


@pytest.mark.parametrize("line,target,part,fixed_line", PRIVATE)
def test_private_keras_imports(line, target, part, fixed_line):
    config = Config(select=("HDL503",), target_tf=target)
    [found] = lint(line + "\n", config=config)
    assert part in found.message, found.message
    new, done, _ = fix_source((line + "\n").encode(), config=config)
    assert new.decode() == (fixed_line + "\n" if fixed_line else line + "\n")


def test_private_keras_in_a_hub_file_points_to_tf_keras():
    source = ("import tensorflow_hub as hub\nfrom keras.layers.core import Dense\n"
              "from tensorflow.python.keras.layers import Dropout\n"
              "layer = hub.KerasLayer('u')\n")
    messages = {d.code: d.message for d in lint(source, config=Config(select=("HDL503", "HDL101")))}
    assert "; use tf_keras.layers.Dense; from keras.layers.core import Dense fails on TF 2.21" \
        in messages["HDL503"]
    assert messages["HDL101"].endswith("use tf_keras.layers.Dropout")
    before = {d.code: d.message for d in lint(source, config=Config(select=("HDL503", "HDL101"),
                                                                   target_tf="2.15"))}
    assert "; use keras.layers.Dense; from keras.layers.core import Dense fails on TF 2.15" \
        in before["HDL503"]
    assert "use tf.keras.layers.Dropout (on TF 2.15 that is another object" in before["HDL101"]


def test_hdl101_fix_to_tf_keras_in_a_hub_file():
    source = ("import tensorflow_hub as hub\nfrom tensorflow.python.keras.layers import Dense\n\n"
              "layer = hub.KerasLayer('u')\nhead = Dense(1)\n")
    new, done, _ = fix_source(source.encode(), config=Config(select=("HDL101",), unsafe_fixes=True))
    assert new.decode() == ("import tensorflow_hub as hub\nimport tf_keras\n\n"
                            "layer = hub.KerasLayer('u')\nhead = tf_keras.layers.Dense(1)\n")


def test_keras_generated_api_modules_are_not_reported():
    line = "from tf_keras.src.engine.sequential import Sequential\n"
    assert lint('"""AUTOGENERATED. DO NOT EDIT."""\n\n' + line, config=HDL5) == []
    assert [d.code for d in lint(line, config=HDL5)] == ["HDL503"]


def test_private_keras_star_import():
    [found] = lint("from keras.src.ops import *\n", config=Config(select=("HDL503",)))
    assert found.message == ("star import from private Keras module keras.src.ops; import the "
                             "public names you use from keras.ops")
    assert fix_source(b"from keras.src.ops import *\n", config=HDL5)[1] == []


def _readme_diff(name):
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    block = readme.split(f"$ hub-dist-fix --diff --unsafe-fixes {name}\n", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    before = "".join(line[1:] + "\n" for line in lines if line[:1] in (" ", "-", ""))
    after = "".join(line[1:] + "\n" for line in lines if line[:1] in (" ", "+", ""))
    messages = [line for line in readme.splitlines() if line.startswith(f"{name}:")]
    return before, after, messages


def test_safe_only_leaves_a_script_switch_with_its_reason():
    source = HEAD + "\nmodel = tf.keras.Sequential([hub.KerasLayer('m'), tf.keras.layers.Dense(1)])\n"
    new, done, left = fixed(source, config=Config(select=("HDL5",)))
    assert (new, done) == (source, [])
    assert left[0].no_fix_reason.startswith(
        "unsafe fix, applied with --unsafe-fixes: it takes effect only where this file is what "
        "first imports TensorFlow")


@pytest.mark.parametrize("name", ["classifier.py", "late.py"])
def test_readme_keras3_examples_are_true(name):
    before, after, messages = _readme_diff(name)
    found = [f"{name}:{d.line}:{d.column}: {d.code} {d.message}"
             for d in lint(before, config=HDL5)]
    assert found == messages
    assert fixed(before)[0] == after


@pytest.mark.parametrize("setting,reported", [
    ("os.environ['TF_USE_LEGACY_KERAS'] = flag", False),  # computed: unknown
    ("print(os.environ.get('TF_USE_LEGACY_KERAS'))", False),  # a file that cares about it
    ("os.environ['TF_USE_LEGACY_KERAS'] = '0'", True),  # deliberately Keras 3
    ("# os.environ['TF_USE_LEGACY_KERAS'] = '1'", True),  # commented out
])
def test_hub_findings_when_the_variable_is_named_otherwise(setting, reported):
    source = "import os\n" + setting + "\n" + HEAD + REACHING["inline"]
    assert bool(codes(source)) == reported


@pytest.mark.parametrize("text,through", [
    ("from tensorflow.keras.layers import Dense\nimport keras\n", False),
    ("from keras import (\n    layers,  # the layers\n    engine,\n)\n", True),
    ("import os, keras.engine.training as training\n", True),
    ("from tf_keras.src.engine import base_layer\n", True),
    ("import keras_cv\nfrom keras_cv.src import x\n", False),
])
def test_private_keras_gate(text, through):
    from hub_dist_lint.rules.keras3 import PrivateKerasImportChecker

    assert PrivateKerasImportChecker.gate.search(text) == through


# -- the switch a fix writes: no new warning from flake8 ----------------------------------

def _e402(tmp_path, source):
    import subprocess
    import sys
    pytest.importorskip("flake8")
    path = tmp_path / "e402.py"
    path.write_text(source)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    run = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "E402", str(path)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode in (0, 1), run.stderr
    return run.stdout.splitlines()


@pytest.mark.parametrize("source", [
    '"""Train."""\nimport argparse\n\n' + HEAD + "\n\ndef main():\n"
    "    m = tf.keras.Sequential([hub.KerasLayer('u')])\n    m.fit()\n\n\n"
    "if __name__ == '__main__':\n    main()\n",
    "import os\n" + HEAD + "\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\nprint(hub)\n",
])
def test_the_switch_brings_no_e402(tmp_path, source):
    # pycodestyle lets `if` blocks stand among the imports, not an assignment or a call
    assert _e402(tmp_path, source) == []
    new, done, _ = fixed(source)
    assert done and 'if "TF_USE_LEGACY_KERAS" not in os.environ:' in new
    assert _e402(tmp_path, new) == []
    plain = new.replace('if "TF_USE_LEGACY_KERAS" not in os.environ:\n    ', "")
    assert _e402(tmp_path, plain)  # the plain assignment would flag every import below it


# -- the packages tf.keras resolves to (tests/test_tf_keras3.py checks them under TF) --------

@pytest.mark.parametrize("line,target,use", [
    ("from keras._tf_keras.keras.layers import Dense", "2.21", "; use keras.layers.Dense"),
    ("import keras._tf_keras.keras as tk", "2.21", "; use keras"),
    ("from tf_keras.api._v2.keras.layers import Dense", "2.21", "; use tf_keras.layers.Dense"),
    ("from keras.api._v2.keras.layers import Dense", "2.15", "; use keras.layers.Dense"),
    ("from keras.api._v2.keras.layers import Dense", "2.21",
     "; use tf_keras.layers.Dense (tf-keras carries Keras 2 on)"),
])
def test_keras_api_trees_are_private(line, target, use):
    [found] = lint(line + "\n", config=Config(select=("HDL503",), target_tf=target))
    assert "is a generated API package" in found.message and found.message.endswith(use), found.message
    new, done, left = fix_source((line + "\n").encode(), config=HDL5)
    assert done == [] and "generated API tree" in left[0].no_fix_reason
