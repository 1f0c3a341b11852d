"""Fixed notebooks run: real TF 2.21 + tf-keras 2.21 + tensorflow-hub 0.16.1, no network.

Each notebook of tests/programs/notebooks mirrors a public TF Hub notebook pattern. Its
code cells, exported as the script a fresh kernel runs (notebook_proofs.export_script),
fail with the Keras 3 error HDL501 names; `hub-dist-fix` (the real CLI) rewrites only
code cells' sources, byte for byte elsewhere, and a second run changes nothing; exported
again, the notebook trains. The scripts run with plain `python` in a subprocess: a
runner that has imported TensorFlow already would decide tf.keras for them.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from conftest import run_cli
from notebook_proofs import changed_cells, compare_fixed, export_script

pytestmark = pytest.mark.tf
pytest.importorskip("tensorflow")
pytest.importorskip("tensorflow_hub")
pytest.importorskip("tf_keras")

PROGRAMS = Path(__file__).resolve().parent / "programs"
NOTEBOOKS = PROGRAMS / "notebooks"
# no PYTHONPATH: the CLI is the installed hub_dist_lint, as a user runs it
ENV = {key: value for key, value in os.environ.items()
       if key not in ("TF_USE_LEGACY_KERAS", "PYTHONPATH", "HDL_HUB_HANDLE")}
ENV.update(TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")

SEQUENTIAL = "ValueError: Only instances of `keras.Layer` can be added to a Sequential model"
KERAS_TENSOR = "A KerasTensor cannot be used as input to a TensorFlow function"
SWITCH = 'if "TF_USE_LEGACY_KERAS" not in os.environ:\n    os.environ["TF_USE_LEGACY_KERAS"] = "1"\n'
TRAINED = "HDL-NB-TRAINED tf_keras.src."


class Case:
    def __init__(self, model, finding, error, cell, fixed_text, proofs, unsafe=False):
        self.model = model  # "text" or "vector": which SavedModel HANDLE names
        self.finding = finding  # (cell, code) hub-dist-lint reports
        self.error = error  # what the notebook fails with before the fix
        self.cell = cell  # the one cell the fix rewrites
        self.fixed_text = fixed_text  # a text the rewritten cell holds
        self.proofs = proofs  # lines the fixed notebook prints
        self.unsafe = unsafe  # the fix is an unsafe one (the tf-keras rewrite)


CASES = {
    # model.add(hub_layer) on tf.keras.Sequential(); a trainable text embedding
    "text_classification_with_hub": Case(
        "text", (9, "HDL501"), SEQUENTIAL, 2,
        '# On tfhub.dev / Kaggle this is the model\'s URL; the tests pass a local SavedModel.\n'
        + SWITCH + 'HANDLE = os.environ["HDL_HUB_HANDLE"]',
        [TRAINED, "HDL-NB-HUB-WEIGHTS-CHANGED True"]),
    # Colab layout; tf.keras.Sequential([hub.KerasLayer(..., trainable=False), Dense]);
    # !pip, %matplotlib, %load_ext, a %%writefile data cell, a %%time training cell
    "transfer_learning_with_hub": Case(
        "vector", (8, "HDL501"), SEQUENTIAL, 2,
        "import os\n" + SWITCH + "!pip install -q tensorflow-hub\nimport os\n",
        [TRAINED, "HDL-NB-HUB-FROZEN True"]),
    # tf.keras.Input -> hub layer -> tf.keras.Model (nbformat 4.4, no cell ids)
    "functional_hub_classifier": Case(
        "vector", (5, "HDL501"), KERAS_TENSOR, 2, SWITCH + 'HANDLE = os.environ',
        [TRAINED, "HDL-NB-HUB-WEIGHTS-CHANGED True"]),
    # built in `with strategy.scope():` of a MirroredStrategy over 2 logical CPUs
    "distributed_hub_mirrored": Case(
        "vector", (6, "HDL501"), SEQUENTIAL, 2, SWITCH + 'HANDLE = os.environ',
        [TRAINED, "HDL-NB-VARIABLES ['MirroredVariable']"]),
    # `import keras` is Keras 3 whatever TF_USE_LEGACY_KERAS says: the notebook moves to tf_keras
    "keras_package_hub": Case(
        "vector", (4, "HDL501"), SEQUENTIAL, 3,
        "import tf_keras as keras\nfrom tf_keras import layers\n", [TRAINED], unsafe=True),
}


def unsafe_flags(case, cwd):
    """`--unsafe-fixes` for an unsafe fix, where the CLI splits fixes into safe and unsafe
    (run outside the checkout: `python -m` there would import its hub_dist_lint)."""
    if not case.unsafe:
        return []
    usage = run_cli("--help", fix=True, env=ENV, cwd=cwd).stdout.decode()
    return ["--unsafe-fixes"] if "--unsafe-fixes" in usage else []


def run_notebook(notebook: Path, model: Path, name: str):
    """Run a notebook's code cells as one script with plain python, as a kernel would."""
    script = notebook.parent / f"{name}.py"
    script.write_text(export_script(notebook.read_text(encoding="utf-8")), encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env={**ENV, "HDL_HUB_HANDLE": str(model)}, cwd=notebook.parent,
                          timeout=600)


def lint(notebook: Path):
    result = run_cli(notebook, "--no-cache", "--format", "json", cwd=notebook.parent, env=ENV)
    assert result.returncode in (0, 1), result.stderr.decode()
    return [(f["cell"], f["code"]) for f in json.loads(result.stdout)]


@pytest.fixture(scope="session")
def hub_models(tmp_path_factory):
    """The SavedModels the notebooks load: tests/programs/make_hub_model.py's (a [None, 4]
    float32 feature vector, as test_tf_keras3 makes it) and a text embedding."""
    home = tmp_path_factory.mktemp("notebook-hub")
    models = {}
    for kind, maker in (("vector", "make_hub_model.py"), ("text", "make_text_hub_model.py")):
        made = subprocess.run([sys.executable, str(PROGRAMS / maker), str(home / kind)],
                              capture_output=True, text=True, env=ENV, cwd=home, timeout=600)
        assert made.returncode == 0, made.stderr[-2000:]
        models[kind] = home / kind
    return models


def tail(result) -> str:
    return (result.stdout[-1500:] + "\n--- stderr ---\n" + result.stderr[-3000:])


def test_every_notebook_has_a_case():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(CASES)


@pytest.mark.parametrize("name", list(CASES))
def test_fixed_notebook_runs(tmp_path, hub_models, name):
    case = CASES[name]
    model = hub_models[case.model]
    notebook = tmp_path / f"{name}.ipynb"
    shutil.copy(NOTEBOOKS / notebook.name, notebook)
    original = notebook.read_text(encoding="utf-8")
    nbformat.validate(nbformat.reads(original, as_version=4))
    assert lint(notebook) == [case.finding]

    started = time.monotonic()
    before = run_notebook(notebook, model, "before")
    assert before.returncode != 0, tail(before)
    assert case.error in before.stderr, tail(before)
    assert "HDL-NB-TRAINED" not in before.stdout

    flags = unsafe_flags(case, tmp_path)
    if flags:  # without the flag the unsafe fix is shown, not applied
        safe_only = run_cli(notebook, cwd=tmp_path, env=ENV, fix=True)
        assert safe_only.returncode == 1 and "--unsafe-fixes" in safe_only.stdout.decode()
        assert notebook.read_text(encoding="utf-8") == original
    fixed = run_cli(notebook, *flags, cwd=tmp_path, env=ENV, fix=True)
    assert fixed.returncode == 1, fixed.stderr.decode()
    assert f"fixed 1 finding(s) in {notebook}" in fixed.stderr.decode()
    after_text = notebook.read_text(encoding="utf-8")
    nbformat.validate(nbformat.reads(after_text, as_version=4))
    # outputs, execution counts, metadata, ids, markdown cells, the file's layout: unchanged
    assert compare_fixed(original, after_text) == []
    assert changed_cells(original, after_text) == [case.cell]
    new_source = "".join(json.loads(after_text)["cells"][case.cell - 1]["source"])
    assert case.fixed_text in new_source

    again = run_cli(notebook, *flags, cwd=tmp_path, env=ENV, fix=True)
    assert again.returncode == 0, again.stderr.decode()
    assert notebook.read_text(encoding="utf-8") == after_text
    assert lint(notebook) == []

    after = run_notebook(notebook, model, "after")
    assert after.returncode == 0, tail(after)
    for proof in case.proofs:
        assert proof in after.stdout, tail(after)
    print(f"{name}: {time.monotonic() - started:.1f} s")
