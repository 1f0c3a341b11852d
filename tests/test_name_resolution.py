"""One resolver: a name a function binds itself (a parameter, an assignment) is not the
module a file-level import binds, for any rule or fix (issue 20)."""

import pytest

from hub_dist_lint.config import Config
from hub_dist_lint.engine import lint
from hub_dist_lint.fixing import fix_source

HEAD = "import tensorflow as tf\nimport tensorflow_hub as hub\n\n\n"

# Each source reads `tf` where a function binds it; renamed to `lib`, nothing in the file
# is tensorflow any more, and every rule must see the same (nothing tensorflow about it).
SHADOWED = {
    "HDL3 parameter": (
        "def step(tf, fn):\n    s = tf.distribute.MirroredStrategy()\n"
        "    return s.experimental_run_v2(fn)\n"),
    "HDL3 local assignment": (
        "def step(fn):\n    tf = make_library()\n    s = tf.distribute.MirroredStrategy()\n"
        "    return s.experimental_run_v2(fn)\n"),
    "HDL3 lambda parameter": (
        "run = lambda tf, fn: tf.distribute.MirroredStrategy().experimental_run_v2(fn)\n"),
    "HDL5 parameter": (
        "def build(tf, handle):\n    return tf.keras.Sequential([hub.KerasLayer(handle)])\n"),
    "HDL5 local assignment": (
        "def build(handle):\n    tf = make_library()\n"
        "    x = tf.keras.Input(shape=(), dtype='string')\n    return hub.KerasLayer(handle)(x)\n"),
    "HDL2 parameter": (
        "def train(tf, dataset):\n    strategy = tf.distribute.MirroredStrategy()\n"
        "    model = hub.load('m')\n    with strategy.scope():\n"
        "        layer = hub.KerasLayer(model, trainable=True)\n"
        "        net = make_model(layer)\n        net.compile(loss='mse')\n"
        "    net.fit(dataset)\n"),
}


def findings(source, target="2.21"):
    return [(d.line, d.code, d.fix is not None)
            for d in lint(source, config=Config(target_tf=target), fixes=True)]


@pytest.mark.parametrize("name", sorted(SHADOWED))
def test_a_shadowed_name_is_not_the_module(name):
    source = HEAD + SHADOWED[name]
    renamed = source.replace("(tf,", "(lib,").replace("tf.distribute", "lib.distribute") \
        .replace("tf.keras", "lib.keras").replace("tf = ", "lib = ").replace("lambda tf", "lambda lib")
    assert findings(source) == findings(renamed)


def test_the_shadowed_cases_are_findings_when_not_shadowed():
    # the same code with the module itself: every case above is a finding there
    for name, body in SHADOWED.items():
        unshadowed = HEAD + body.replace("(tf, ", "(").replace("lambda tf, ", "lambda ") \
            .replace("    tf = make_library()\n", "")
        assert findings(unshadowed), name


def test_a_parameter_named_like_the_module_is_not_rewritten():
    source = (HEAD + "def train(handle, data):\n    x = tf.keras.Input(shape=(), dtype=tf.string)\n"
              "    model = tf.keras.Model(x, hub.KerasLayer(handle)(x))\n    model.fit(data)\n\n\n"
              "def spec(tf, shape):\n    return tf.keras.Input(shape=shape)\n")
    new, _, _ = fix_source(source.encode(), config=Config(select=("HDL5",), unsafe_fixes=True))
    assert b"model = tf_keras.Model(" in new
    assert new.endswith(b"def spec(tf, shape):\n    return tf.keras.Input(shape=shape)\n")


def test_an_import_in_a_function_is_read_there():
    # the function's own import, not the module's first one, is what its reads get
    source = ("import tensorflow_hub as hub\nimport numpy as tf\n\n\n"
              "def build(handle):\n    import tensorflow as tf\n"
              "    return tf.keras.Sequential([hub.KerasLayer(handle)])\n")
    assert [c for _, c, _ in findings(source)] == ["HDL501"]
