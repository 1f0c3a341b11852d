"""HDL5xx end to end: real TF 2.21 + tf-keras 2.21 + tensorflow-hub 0.16.1 on 2 logical CPUs,
no network. Each program fails with the real Keras 3 error as written; after
`python3 -m hub_dist_lint fix` it trains under MirroredStrategy with MirroredVariables."""

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from tf_support import ENV, LEGACY_ENV, run_python

pytestmark = pytest.mark.tf
pytest.importorskip("tensorflow")
pytest.importorskip("tensorflow_hub")
pytest.importorskip("tf_keras")

PROGRAMS = Path(__file__).resolve().parent / "programs"
MIRRORED = "variables: ['MirroredVariable']"


def _copy(tmp_path, *names):
    for name in names:
        shutil.copy(PROGRAMS / name, tmp_path / name)
    return tmp_path / names[0]


def _lint_codes(path):
    result = run_cli(path, "--no-cache", env=ENV)
    return [line.split()[1] for line in result.stdout.decode().splitlines()]


CASES = [
    # (files, the file to run, the file hub-dist-lint fixes, codes, error before the fix, fix text)
    (("keras3_sequential.py",), "keras3_sequential.py", ["HDL501"],
     "ValueError: Only instances of `keras.Layer` can be added to a Sequential model",
     'if "TF_USE_LEGACY_KERAS" not in os.environ:\n    os.environ["TF_USE_LEGACY_KERAS"] = "1"\n'
     'import numpy'),
    (("keras3_functional_lib.py", "keras3_functional_run.py"), "keras3_functional_run.py", ["HDL501"],
     "A KerasTensor cannot be used as input to a TensorFlow function",
     "from tf_keras import layers"),
    (("keras3_late_switch.py",), "keras3_late_switch.py", ["HDL502"],
     "ValueError: Only instances of `keras.Layer` can be added to a Sequential model",
     'import sys\n\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n'
     '    os.environ["TF_USE_LEGACY_KERAS"] = "1"\nimport numpy'),
]


@pytest.mark.parametrize("files,entry,codes,error,fixed_text", CASES,
                         ids=["sequential", "functional", "late-switch"])
def test_fails_before_and_trains_mirrored_after_the_fix(tmp_path, hub_model, files, entry, codes,
                                                        error, fixed_text):
    target = _copy(tmp_path, *files)
    assert _lint_codes(target) == codes
    before = run_python(entry, hub_model, cwd=tmp_path)
    assert before.returncode != 0
    assert error in before.stderr, before.stderr[-3000:]

    fixed = run_cli(target, "--unsafe-fixes", fix=True, env=ENV)
    assert fixed.returncode == 1 and f"fixed {len(codes)} finding(s)" in fixed.stderr.decode()
    assert fixed_text in target.read_text()
    assert _lint_codes(target) == []

    after = run_python(entry, hub_model, cwd=tmp_path)
    assert after.returncode == 0, after.stderr[-3000:]
    assert MIRRORED in after.stdout


def test_a_model_module_with_a_smoke_test_is_not_the_entry_point(tmp_path, hub_model):
    # the module case: its __main__ block is a smoke test; the program is the
    # training script, which imports TensorFlow before the module
    module = _copy(tmp_path, "keras3_model_module.py", "keras3_model_train.py")
    source = module.read_text()
    before = run_python("keras3_model_train.py", hub_model, cwd=tmp_path)
    assert "Only instances of `keras.Layer` can be added" in before.stderr, before.stderr[-3000:]

    # the switch at the module's top (what the __main__ block used to earn) is too late there
    module.write_text('import os\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n'
                      '    os.environ["TF_USE_LEGACY_KERAS"] = "1"\n' + source)
    switched = run_python("keras3_model_train.py", hub_model, cwd=tmp_path)
    # (measured: tf.keras.Sequential is tf-keras there, tf.keras.layers.Dense still Keras 3)
    assert switched.returncode != 0
    assert "The added layer must be an instance of class Layer" in switched.stderr, switched.stderr[-3000:]
    module.write_text(source)

    lint = run_cli(module, "--no-cache", env=ENV).stdout.decode()
    assert "not the switch at its top: keras3_model_train.py imports a module named keras3_model_module" in lint, lint
    fixed = run_cli(module, "--unsafe-fixes", fix=True, env=ENV)
    assert "fixed 1 finding(s)" in fixed.stderr.decode()
    assert "os.environ" not in module.read_text()
    assert "tf_keras.Sequential(" in module.read_text()
    after = run_python("keras3_model_train.py", hub_model, cwd=tmp_path)
    assert after.returncode == 0, after.stderr[-3000:]
    assert MIRRORED in after.stdout
    smoke = run_python(module, hub_model, cwd=tmp_path)  # and its smoke test still runs
    assert smoke.returncode == 0 and MIRRORED in smoke.stdout, smoke.stderr[-3000:]


def test_the_fixes_compose_with_the_hub_scope_fix(tmp_path, hub_model):
    # the program: a hub layer made outside the scope, in a Keras 3 model
    program = tmp_path / "train.py"
    source = (PROGRAMS / "train_hub_mirrored.py").read_text()
    program.write_text(source.replace('os.environ["TF_USE_LEGACY_KERAS"] = "1"\n', ""))
    assert _lint_codes(program) == ["HDL202", "HDL201", "HDL501", "HDL501"]
    before = run_python(program, hub_model, cwd=tmp_path)
    assert "Only instances of `keras.Layer` can be added" in before.stderr
    assert run_cli(program, "--unsafe-fixes", fix=True, env=ENV).returncode == 1
    assert _lint_codes(program) == []
    after = run_python(program, hub_model, cwd=tmp_path)
    assert after.returncode == 0, after.stderr[-3000:]
    assert "variables: ['MirroredVariable', 'MirroredVariable']" in after.stdout


def test_fixed_fixtures_run(tmp_path, hub_model):
    fixes = ROOT / "tests" / "fixtures" / "keras3" / "fix"
    (tmp_path / "model").symlink_to(hub_model)
    late = tmp_path / "late.py"
    late.write_text((fixes / "keras3_late_switch.out.py").read_text()
                    + "print(type(model).__module__)\n")
    ran = run_python(late, cwd=tmp_path)
    assert ran.returncode == 0 and ran.stdout.startswith("tf_keras"), ran.stderr[-3000:]
    shutil.copy(fixes / "keras3_library.out.py", tmp_path / "keras3_library.py")
    ran = run_python("-c", "import keras3_library, tf_keras; print(keras3_library.Dense is "
                     "tf_keras.layers.Dense, keras3_library.keras is tf_keras)", cwd=tmp_path)
    assert ran.returncode == 0 and ran.stdout.split() == ["True", "True"], ran.stderr[-3000:]


def test_fixed_private_keras_imports_are_the_same_objects(tmp_path):
    fixed = (ROOT / "tests" / "fixtures" / "keras3" / "fix" / "keras3_private.out.py").read_text()
    program = tmp_path / "same.py"
    program.write_text(fixed + (
        "import keras.src.layers.core.dense as dense\n"
        "import keras.src.utils.image_utils as image_utils\n"
        "import tf_keras.src.engine.sequential as sequential\n"
        "import tf_keras.src.utils.dataset_creator as dataset_creator\n"
        "print(Dense is dense.Dense, smart_resize is image_utils.smart_resize,\n"
        "      TfKerasSequential is sequential.Sequential,\n"
        "      DatasetCreator is Creator is dataset_creator.DatasetCreator)\n"))
    ran = run_python(program, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert ran.stdout.split() == ["True"] * 4


# -- issue 22: the forms real code writes (tests/programs/keras3_dataflow.py) ----------------

DATAFLOW = "keras3_dataflow.py"
FORMS = ["list_inputs", "dict_call", "dict_literal", "through_name", "through_layers", "lambda_first",
         "subclass", "wrapped", "plus", "comprehension", "loop_add", "alias_keras", "alias_sequential",
         "subclassed_model", "passed_to_function"]


@pytest.fixture(scope="module")
def multi_input_models(tmp_path_factory):
    """The list- and dict-input SavedModels (make_multi_input_hub_model.py)."""
    made = {}
    for kind in ("list", "dict"):
        path = tmp_path_factory.mktemp("hub") / kind
        ran = run_python(PROGRAMS / "make_multi_input_hub_model.py", path, kind)
        assert ran.returncode == 0, ran.stderr[-2000:]
        made[kind] = path
    return made


def _forms(ran):
    return {line.split(":")[0]: line.split(": ", 1)[1] for line in ran.stdout.splitlines()
            if line.split(":")[0] in FORMS and "trainable variables" not in line}


@pytest.mark.parametrize("as_module", [False, True], ids=["script", "module-imported-after-tensorflow"])
def test_every_form_fails_or_trains_nothing_before_and_trains_after_the_fix(tmp_path, hub_model,
                                                                           multi_input_models, as_module):
    source = (PROGRAMS / DATAFLOW).read_text()
    if as_module:  # a library: a training script imports it after TensorFlow, the switch cannot help
        source = source[:source.index('if __name__ == "__main__":')]
        run = ["-c", "import sys\nimport tensorflow\nimport keras3_dataflow\n"
               "sys.exit(keras3_dataflow.main(*sys.argv[1:]))"]
    else:
        run = [DATAFLOW]
    program = tmp_path / DATAFLOW
    program.write_text(source)
    args = [*run, hub_model, multi_input_models["list"], multi_input_models["dict"]]
    assert _lint_codes(program) == ["HDL501"] * 13 + ["HDL504", "HDL501"]

    before = run_python(*args, cwd=tmp_path)
    assert before.returncode == 1, before.stderr[-3000:]
    forms = _forms(before)
    assert sorted(forms) == sorted(FORMS) and all(r.startswith("failed") for r in forms.values()), forms
    # the silent one: it ran, but the hub weights did not train
    assert forms["subclassed_model"] == "failed: AssertionError: 'the hub weights did not change'"
    assert "subclassed_model: trainable variables: 2" in before.stdout

    fixed = run_cli(program, "--unsafe-fixes", fix=True, env=ENV)
    assert fixed.returncode == 1 and "fixed 15 finding(s)" in fixed.stderr.decode()
    assert ("tf_keras" in program.read_text()) is as_module
    assert _lint_codes(program) == []

    after = run_python(*args, cwd=tmp_path)
    assert after.returncode == 0, after.stdout + after.stderr[-3000:]
    assert set(_forms(after).values()) == {"ok"} and len(_forms(after)) == len(FORMS)
    assert "subclassed_model: trainable variables: 3" in after.stdout


def test_the_packages_tf_keras_resolves_to_are_what_hdl503_says(tmp_path):
    # keras._tf_keras.keras is tf.keras without the switch, and holds Keras 3's objects;
    # with TF_USE_LEGACY_KERAS=1 tf.keras is tf-keras, whose tf_keras.api._v2.keras tree
    # holds tf-keras's objects
    from tf_support import LEGACY_ENV

    program = tmp_path / "trees.py"
    program.write_text(
        "import os\nimport tensorflow as tf\nimport keras\nimport tf_keras\n"
        "import keras._tf_keras.keras as tree\n"
        "from tf_keras.api._v2.keras import layers as v2_layers\n"
        "legacy = os.environ.get('TF_USE_LEGACY_KERAS') == '1'\n"
        "print(tree.layers.Dense is keras.layers.Dense,\n"
        "      tree.utils.to_categorical is keras.utils.to_categorical,\n"
        "      v2_layers.Dense is tf_keras.layers.Dense,\n"
        "      tf.keras.layers.Dense is (tf_keras if legacy else keras).layers.Dense,\n"
        "      tf.keras.__name__)\n")
    plain = run_python(program, cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr[-3000:]
    assert plain.stdout.split() == ["True", "True", "True", "True", "keras._tf_keras.keras"]
    legacy = run_python(program, cwd=tmp_path, env=LEGACY_ENV)
    assert legacy.returncode == 0, legacy.stderr[-3000:]
    assert legacy.stdout.split()[:4] == ["True"] * 4


# -- issue 22: hub layers passing between the modules of a project ---------------------------

PROJECT_FORMS = ["passed_to_functional", "passed_to_sequential", "returned_by_factory",
                 "subclass_of_another_module"]


def test_hub_layers_from_and_to_another_module_fail_before_and_train_after_the_fix(tmp_path, hub_model):
    script = _copy(tmp_path, "keras3_project_train.py", "keras3_project_models.py")
    models = tmp_path / "keras3_project_models.py"
    models_source = models.read_text()
    assert _lint_codes(script) == ["HDL501"] * 4
    assert _lint_codes(models) == []  # alone, the model module proves nothing

    before = run_python(script.name, hub_model, cwd=tmp_path)
    assert before.returncode == 1, before.stderr[-3000:]
    forms = {line.split(":")[0]: line for line in before.stdout.splitlines()}
    assert sorted(forms) == sorted(PROJECT_FORMS) and all("failed" in f for f in forms.values()), forms

    fixed = run_cli(script, "--unsafe-fixes", fix=True, env=ENV)
    assert fixed.returncode == 1 and "fixed 4 finding(s)" in fixed.stderr.decode()
    assert ('import sys\n\nimport os\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n'
            '    os.environ["TF_USE_LEGACY_KERAS"] = "1"\nimport numpy as np\n') in script.read_text()
    assert models.read_text() == models_source  # the other module is not touched
    assert _lint_codes(script) == []

    after = run_python(script.name, hub_model, cwd=tmp_path)
    assert after.returncode == 0, after.stdout + after.stderr[-3000:]
    assert after.stdout.split() == [word for form in PROJECT_FORMS for word in (form + ":", "ok")]


def test_a_library_handing_its_hub_layer_to_another_module_is_refused_with_the_remedy(tmp_path, hub_model):
    # TFX's BERT example: the module is imported by a trainer that has imported TensorFlow
    library = _copy(tmp_path, "keras3_project_utils.py", "keras3_project_models.py")
    source = library.read_text()
    trainer = ["-c", "import sys\nimport numpy as np\nimport tensorflow as tf\nimport keras3_project_utils\n"
               "model, encoder = keras3_project_utils.build(sys.argv[1])\n"
               "before = encoder.weights[0].numpy().copy()\n"
               "model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss='mse')\n"
               "model.fit(np.ones((8, 4), 'float32'), np.zeros((8, 1), 'float32'), epochs=1, verbose=0)\n"
               "print('trained:', not np.allclose(before, encoder.weights[0].numpy()))\n", hub_model]
    before = run_python(*trainer, cwd=tmp_path)
    assert "A KerasTensor cannot be used as input to a TensorFlow function" in before.stderr, before.stderr[-3000:]

    fixed = run_cli(library, "--unsafe-fixes", fix=True, env=ENV)
    report = fixed.stdout.decode() + fixed.stderr.decode()
    assert fixed.returncode == 1 and library.read_text() == source
    assert ("not fixed: the Keras 3 model is built in keras3_project_models.py (classifier()): moving this "
            "file alone to tf-keras would not change that") in report, report

    # what the message says to do instead works: the switch where the program starts
    remedy = run_python(*trainer, cwd=tmp_path, env=LEGACY_ENV)
    assert remedy.returncode == 0 and "trained: True" in remedy.stdout, remedy.stderr[-3000:]
