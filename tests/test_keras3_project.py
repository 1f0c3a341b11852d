"""HDL501 across the modules of a project (issue 22, analysis/project_models.py): a hub layer
made in one module and put into a Keras 3 model in another. The programs run under real
TensorFlow in tests/test_tf_keras3.py (keras3_project_*.py)."""

import json
import os
import textwrap

from conftest import run_cli
from hub_dist_lint.config import Config
from hub_dist_lint.engine import analyze
from hub_dist_lint.fixing import fix_source

CONFIG = Config(select=("HDL5",), unsafe_fixes=True)

MODELS = """\
import tensorflow as tf
import tensorflow_hub as hub


def classifier(encoder, width=1):
    inputs = tf.keras.Input((4,))
    return tf.keras.Model(inputs, tf.keras.layers.Dense(width)(encoder(inputs)))


def stacked(layer):
    return tf.keras.Sequential([layer, tf.keras.layers.Dense(1)])


def added(first, *, last):
    model = tf.keras.Sequential()
    model.add(first)
    model.add(last)
    return model


def untouched(layer):
    return layer


def make_encoder(handle):
    return hub.KerasLayer(handle, trainable=True)


class Encoder(hub.KerasLayer):
    pass
"""


def project(tmp_path, files):
    """Write the files (dedented) under a project root (a pyproject.toml marks it)."""
    (tmp_path / "pyproject.toml").write_text("")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def findings(path):
    analysis = analyze(path.read_bytes(), str(path), CONFIG)
    return [(d.line, d.code, d.message) for d in analysis.diagnostics]


def lines(path):
    return [line for line, _, _ in findings(path)]


USER = """\
import tensorflow as tf
import tensorflow_hub as hub

from models import added, classifier, stacked, untouched


def build(handle):
    encoder = hub.KerasLayer(handle)
    first = classifier(encoder)
    second = stacked(layer=hub.KerasLayer(handle))
    third = added(hub.KerasLayer(handle), last=hub.KerasLayer(handle))
    fourth = untouched(hub.KerasLayer(handle))
    fifth = classifier(tf.keras.layers.Dense(4))
    return first, second, third, fourth, fifth
"""


def test_a_hub_layer_passed_to_a_function_that_puts_it_in_a_keras3_model(tmp_path):
    root = project(tmp_path, {"models.py": MODELS, "user.py": USER})
    found = findings(root / "user.py")
    assert [line for line, _, _ in found] == [9, 10, 11, 11]
    first = found[0][2]
    assert first.startswith("hub.KerasLayer (a tf-keras layer) passed to classifier() of models.py, which "
                            "calls it on Keras 3 input tensors (models.py:7; Keras 3 in TF 2.21): TypeError")
    assert "stacked() of models.py, which puts it in tf.keras.Sequential([...]) (models.py:11" in found[1][2]
    assert "added() of models.py, which adds it to a Keras 3 Sequential model (models.py:16" in found[2][2]
    assert "(models.py:17;" in found[3][2]  # the keyword-only parameter
    assert findings(root / "models.py") == []  # alone, it proves nothing


def test_the_library_is_refused_with_the_modules_that_build_the_models(tmp_path):
    root = project(tmp_path, {"models.py": MODELS, "user.py": USER})
    source = (root / "user.py").read_bytes()
    new, done, left = fix_source(source, str(root / "user.py"), CONFIG)
    assert new == source and not done
    assert {d.no_fix_reason for d in left} == {
        "the Keras 3 models are built in models.py (classifier(), stacked(), added()): moving this file "
        "alone to tf-keras would not change that; move those files to tf-keras too, or set "
        "TF_USE_LEGACY_KERAS=1 where the program starts"}


def test_a_script_gets_the_switch_when_the_other_module_spells_only_tf_keras(tmp_path):
    script = ("import tensorflow_hub as hub\nfrom models import classifier\n\n"
              "model = classifier(hub.KerasLayer('h'))\n")
    root = project(tmp_path, {"models.py": MODELS, "train.py": script})
    new, done, left = fix_source(script.encode(), str(root / "train.py"), CONFIG)
    assert len(done) == 1 and not left
    assert new.decode().startswith('import os\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n')

    # the other module imports keras (Keras 3 whatever the switch): no fix, and why
    (root / "models.py").write_text(MODELS.replace("import tensorflow as tf\n", "import keras\nimport tensorflow as tf\n")
                                    .replace("tf.keras.Input((4,))", "keras.Input((4,))"))
    new, done, left = fix_source(script.encode(), str(root / "train.py"), CONFIG)
    assert new == script.encode() and len(left) == 1
    assert left[0].no_fix_reason.endswith("; not the switch at its top, since models.py uses Keras 3 "
                                          "(import keras, or a name tf-keras lacks)")


def test_factories_and_subclasses_of_another_module_reach_this_files_keras3_model(tmp_path):
    user = """\
    import tensorflow as tf
    from models import Encoder, make_encoder

    inputs = tf.keras.Input((4,))
    encoded = make_encoder("h")(inputs)
    model = tf.keras.Sequential([Encoder("h")])
    plain = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    """
    root = project(tmp_path, {"models.py": MODELS, "user.py": user})
    found = findings(root / "user.py")
    assert [line for line, _, _ in found] == [5, 6]
    assert "(made by make_encoder() of models.py) called on a Keras 3 input tensor" in found[0][2]
    assert "(made by Encoder() of models.py) in tf.keras.Sequential([...])" in found[1][2]


def test_packages_relative_imports_and_reexports(tmp_path):
    root = project(tmp_path, {
        "pkg/__init__.py": "from .models import classifier as build_classifier\n",
        "pkg/models.py": MODELS,
        "pkg/sub/__init__.py": "",
        "pkg/sub/task.py": """\
            import tensorflow_hub as hub
            from .. import models
            from ..models import stacked
            import pkg
            from pkg import build_classifier


            def run():
                models.classifier(hub.KerasLayer("h"))
                stacked(hub.KerasLayer("h"))
                pkg.build_classifier(hub.KerasLayer("h"))
                build_classifier(hub.KerasLayer("h"))
            """,
    })
    assert lines(root / "pkg" / "sub" / "task.py") == [9, 10, 11, 12]


def test_what_is_not_followed(tmp_path):
    root = project(tmp_path, {
        "models.py": MODELS,
        "numpy.py": MODELS,  # named like an installed package: not what Python imports
        "user.py": """\
            import tensorflow_hub as hub
            import numpy
            from models import classifier


            def run(layer):
                numpy.classifier(hub.KerasLayer("h"))
                classifier(layer)  # not known to be a hub layer
                from models import stacked  # not at the top: its binding is not the only one
                stacked(hub.KerasLayer("h"))


            def classifier_rebound():
                classifier = print
                classifier(hub.KerasLayer("h"))
            """,
    })
    assert findings(root / "user.py") == []
    # the switch set in the other module, or by the project: tf.keras there may be tf-keras
    switched = "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\n" + MODELS
    (root / "models.py").write_text(switched)
    (root / "user2.py").write_text("import tensorflow_hub as hub\nfrom models import stacked\n\n"
                                   "stacked(hub.KerasLayer('h'))\n")
    assert findings(root / "user2.py") == []
    (root / "models.py").write_text(MODELS)
    assert lines(root / "user2.py") == [4]
    assert analyze((root / "user2.py").read_bytes(), str(root / "user2.py"),
                   Config(select=("HDL5",), legacy_keras=True)).diagnostics == []


def test_findings_that_read_another_module_follow_its_changes(tmp_path):
    # (the cache keeps what they read: tests/test_project_reads.py)
    root = project(tmp_path, {"models.py": MODELS,
                              "user.py": "import tensorflow_hub as hub\nfrom models import stacked\n\n"
                                         "stacked(hub.KerasLayer('h'))\n"})
    cache = tmp_path / "cache"
    first = run_cli(str(root / "user.py"), "--cache-dir", str(cache), "--format", "json")
    assert [d["line"] for d in json.loads(first.stdout)] == [4]
    (root / "models.py").write_text(MODELS.replace("return tf.keras.Sequential([layer, tf.keras.layers.Dense(1)])",
                                                   "return layer"))
    os.utime(root / "models.py", (1, 1))  # another content, whatever the clock's resolution
    second = run_cli(str(root / "user.py"), "--cache-dir", str(cache), "--format", "json")
    assert json.loads(second.stdout) == []


def test_a_parameter_handed_on_within_the_other_module(tmp_path):
    models = MODELS + textwrap.dedent("""\


        def build_and_compile(layer, rate):
            model = classifier(layer)
            model.compile(optimizer=tf.keras.optimizers.Adam(rate), loss="mse")
            return model


        def twice(encoder):
            return build_and_compile(rate=0.1, layer=encoder)
        """)
    user = ("import tensorflow_hub as hub\nfrom models import build_and_compile, twice\n\n"
            "a = build_and_compile(hub.KerasLayer('h'), 0.1)\nb = twice(hub.KerasLayer('h'))\n")
    root = project(tmp_path, {"models.py": models, "user.py": user})
    found = findings(root / "user.py")
    assert [line for line, _, _ in found] == [4, 5]
    assert all("which calls it on Keras 3 input tensors (models.py:7;" in message for _, _, message in found)


def test_a_notebook_importing_the_projects_model_module(tmp_path):
    import nbformat

    root = project(tmp_path, {"models.py": MODELS})
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import tensorflow as tf\nfrom models import make_encoder, stacked\n"
                                                "import tensorflow_hub as hub"),
                      nbformat.v4.new_markdown_cell("The model"),
                      nbformat.v4.new_code_cell("inputs = tf.keras.Input((), dtype=tf.string)\n"
                                                "x = make_encoder('h')(inputs)\nm = stacked(hub.KerasLayer('h'))")]
    nbformat.write(notebook, str(root / "train.ipynb"))
    lint = run_cli(str(root / "train.ipynb"), "--no-cache").stdout.decode().splitlines()
    assert [line.split(": HDL")[0] for line in lint] == [f"{root / 'train.ipynb'}:cell 3:2:5",
                                                         f"{root / 'train.ipynb'}:cell 3:3:13"], lint
    fixed = run_cli(str(root / "train.ipynb"), fix=True)  # safe in a notebook: no --unsafe-fixes
    assert "fixed 2 finding(s)" in fixed.stderr.decode(), fixed.stderr.decode()
    cells = nbformat.read(str(root / "train.ipynb"), as_version=4).cells
    assert cells[0].source.startswith('import os\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n')


def test_a_hub_layer_passed_to_a_function_of_the_same_file(tmp_path):
    source = MODELS + textwrap.dedent("""\


        def relay(x):
            return classifier(x)


        model = stacked(hub.KerasLayer("h"))
        other = relay(encoder=None) if False else relay(hub.KerasLayer("h"))
        plain = stacked(tf.keras.layers.Dense(3))
        """)
    root = project(tmp_path, {"train.py": source})
    found = findings(root / "train.py")
    assert [(line, message.split(" (line")[0]) for line, _, message in found] == [
        (37, "hub.KerasLayer (a tf-keras layer) passed to stacked(), which puts it in tf.keras.Sequential([...])"),
        (38, "hub.KerasLayer (a tf-keras layer) passed to relay(), which calls it on Keras 3 input tensors")]
    new, done, left = fix_source(source.encode(), str(root / "train.py"), CONFIG)
    assert len(done) == 2 and new.decode().startswith('import os\nif "TF_USE_LEGACY_KERAS" not in os.environ:')
    # a library module: the model its function builds is returned to callers elsewhere
    library = source[:source.index("model = stacked")] + "\n\ndef make():\n    return stacked(hub.KerasLayer('h'))\n"
    (root / "lib.py").write_text(library)
    new, done, left = fix_source(library.encode(), str(root / "lib.py"), CONFIG)
    assert not done and left[0].no_fix_reason == (
        "the model leaves this file (stacked() returns it to callers that may be in other modules): "
        "move its users to tf-keras too")


def test_a_notebook_names_lines_by_cell():
    from hub_dist_lint.notebooks import analyze_notebook
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import tensorflow as tf\nimport tensorflow_hub as hub"),
                      nbformat.v4.new_code_cell("def build(layer):\n    return tf.keras.Sequential([layer])"),
                      nbformat.v4.new_code_cell("model = build(hub.KerasLayer('h'))\n"
                                                "def again(layer):\n    return tf.keras.Sequential([layer])\n"
                                                "other = again(hub.KerasLayer('h'))")]
    found = analyze_notebook(nbformat.writes(notebook).encode(), "x.ipynb", CONFIG).findings
    assert [(f.cell, f.line) for f in found] == [(3, 1), (3, 4)]
    assert "which puts it in tf.keras.Sequential([...]) (cell 2, line 2; Keras 3" in found[0].diagnostic.message
    assert "which puts it in tf.keras.Sequential([...]) (line 3; Keras 3" in found[1].diagnostic.message


def test_a_trainable_hub_layer_held_by_a_subclass_of_another_modules_keras3_model(tmp_path):
    models = MODELS + "\n\nclass Head(tf.keras.Model):\n    pass\n\n\nclass Plain:\n    pass\n"
    user = """\
    import tensorflow_hub as hub
    import models


    class HubHead(models.Head):
        def __init__(self):
            super().__init__()
            self.encoder = hub.KerasLayer("h", trainable=True)


    class NotKeras(models.Plain):
        def __init__(self):
            self.encoder = hub.KerasLayer("h", trainable=True)
    """
    root = project(tmp_path, {"models.py": models, "user.py": user})
    found = findings(root / "user.py")
    assert [(line, code) for line, code, _ in found] == [(8, "HDL504")]
    assert "held by HubHead, a tf.keras.Model subclass" in found[0][2]


def test_modules_read_without_a_libcst_parse_still_pass_on_their_imports(tmp_path):
    # helpers.py spells no KerasLayer, builds no model and names no keras: it is read from
    # `ast` alone (its classes cannot be Keras 3 classes); its re-export still leads on
    models = MODELS + "\n\nclass Head(tf.keras.Model):\n    pass\n"
    helpers = "from models import Head, classifier\n\n\nclass Plain:\n    pass\n"
    aliased = "from tensorflow import keras as k\n\n\nclass Head(k.Model):\n    pass\n"
    user = """\
    import tensorflow_hub as hub
    import aliased
    import helpers


    class HubHead(helpers.Head):
        def __init__(self):
            super().__init__()
            self.encoder = hub.KerasLayer("h", trainable=True)


    class Other(aliased.Head):
        def __init__(self):
            super().__init__()
            self.encoder = hub.KerasLayer("h", trainable=True)


    class NotKeras(helpers.Plain):
        def __init__(self):
            self.encoder = hub.KerasLayer("h", trainable=True)


    helpers.classifier(hub.KerasLayer("h"))
    """
    root = project(tmp_path, {"models.py": models, "helpers.py": helpers, "aliased.py": aliased,
                              "user.py": user})
    assert [(line, code) for line, code, _ in findings(root / "user.py")] == \
        [(9, "HDL504"), (15, "HDL504"), (23, "HDL501")]


def test_a_module_naming_only_a_longer_identifier_makes_no_hub_layer(tmp_path):
    # tf_agents' networks/test_utils.py defines KerasLayersNet: no hub layer, no walk
    from hub_dist_lint.rules.keras3 import Keras3Checker

    user = "import tensorflow as tf\nfrom {} import make\n\nmodel = tf.keras.Sequential([make()])\n"
    root = project(tmp_path, {
        "nets.py": "class KerasLayersNet:\n    pass\n\n\ndef make():\n    return KerasLayersNet()\n",
        "hubs.py": "import tensorflow_hub as hub\n\n\ndef make():\n    return hub.KerasLayer('h')\n",
        "user_nets.py": user.format("nets"), "user_hubs.py": user.format("hubs")})
    nets, hubs = root / "user_nets.py", root / "user_hubs.py"
    assert not Keras3Checker().admits(nets.read_text(), str(nets))
    assert not analyze(nets.read_bytes(), str(nets), CONFIG).parsed
    assert Keras3Checker().admits(hubs.read_text(), str(hubs))
    assert lines(hubs) == [4]
