"""HDL3xx/HDL4xx under real TensorFlow 2.21: each import form run in its own process,
each method and name claim checked on the installed API, and a program that fails
before the fix and trains (MirroredStrategy on CPU) after it."""

import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import run_cli
from goldens import fixture
from tf_support import run_python
from hub_dist_lint import changes
from hub_dist_lint.engine import lint

pytestmark = pytest.mark.tf
tf = pytest.importorskip("tensorflow")

PROGRAMS = Path(__file__).resolve().parent / "programs"
LATEST = "2.21"

# (import statement, a use of what it bound). The rules' verdict (an HDL4xx finding
# or not) must match what Python does with it, in a fresh interpreter each.
FORMS = [
    ("import tensorflow.distribute.cluster_resolver as cr", "cr.TPUClusterResolver"),
    ("import tensorflow.distribute.cluster_resolver", "tensorflow.distribute.cluster_resolver"),
    ("import tensorflow.nn.relu", "tensorflow.nn.relu"),
    ("from tensorflow.distribute import MirroredStrategy", "MirroredStrategy"),
    ("from tensorflow.distribute import cluster_resolver", "cluster_resolver.TPUClusterResolver"),
    ("from tensorflow.distribute import experimental", "experimental.MultiWorkerMirroredStrategy"),
    ("from tensorflow.distribute.cluster_resolver import TPUClusterResolver", "TPUClusterResolver"),
    ("from tensorflow.distribute.experimental import ParameterServerStrategy",
     "ParameterServerStrategy"),
    ("from tensorflow.lite import TFLiteConverter", "TFLiteConverter"),
    ("import tensorflow.distribute as tfd", "tfd.MirroredStrategy"),
    ("import tensorflow.distribute", "tensorflow.distribute.MirroredStrategy"),
    ("import tensorflow.distribute.experimental as tde", "tde.MultiWorkerMirroredStrategy"),
    ("import tensorflow.distribute.experimental",
     "tensorflow.distribute.experimental.ParameterServerStrategy"),
    ("import tensorflow.lite as tfl", "tfl.TFLiteConverter"),
    ("import tensorflow.compat.v1 as tf1", "tf1.Session"),
    ("import tensorflow.compat.v2 as tf2", "tf2.distribute.MirroredStrategy"),
    ("import tensorflow.data.experimental as tdx", "tdx.AUTOTUNE"),
    ("import tensorflow.keras.layers as layers", "layers.Dense"),
    ("from tensorflow import distribute", "distribute.MirroredStrategy"),
    ("from tensorflow.data import Dataset", "Dataset.range"),
    ("from tensorflow.data.experimental import AUTOTUNE", "AUTOTUNE"),
    ("from tensorflow.compat.v1 import Session", "Session"),
    ("from tensorflow.keras.layers import Dense", "Dense"),
    ("from tensorflow.keras import layers", "layers.Dense"),
    ("from tensorflow.nn import relu", "relu"),
    ("from tensorflow.tpu.experimental import initialize_tpu_system", "initialize_tpu_system"),
]


def _deprecated(obj) -> bool:
    """TensorFlow's @deprecated rewrites the docstring (deprecation.py)."""
    return "THIS FUNCTION IS DEPRECATED" in (getattr(obj, "__doc__", None) or "")


def _run_form(form):
    statement, use = form
    result = run_python("-c", f"{statement}\nprint(repr({use}))")
    last = result.stderr.strip().splitlines()[-1] if result.returncode else ""
    return form, result.returncode == 0, last


def test_tf_version():
    assert tf.__version__.startswith("2.21."), tf.__version__


def test_import_forms_behave_as_the_rules_say():
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(_run_form, FORMS))
    wrong = []
    for (statement, use), works, error in outcomes:
        flagged = [d.code for d in lint(statement + "\n") if d.code.startswith("HDL4")]
        if works == bool(flagged):
            wrong.append((statement, works, error, flagged))
        if flagged and "binds the empty package" in lint(statement + "\n")[0].message:
            assert error.startswith("AttributeError"), (statement, error)
        elif flagged and "ImportError" in lint(statement + "\n")[0].message:
            assert error.startswith("ImportError"), (statement, error)
        elif flagged:
            assert error.startswith("ModuleNotFoundError"), (statement, error)
    assert not wrong, wrong


def test_layout_the_model_reads():
    # the wheel's directory comes before the generated API directory on __path__
    paths = list(tf.__path__)
    own = os.path.dirname(tf.__file__)
    assert paths.index(own) < paths.index(os.path.join(own, "_api", "v2"))
    assert sys.modules["tensorflow.distribute"].__file__ == os.path.join(
        own, "distribute", "__init__.py")
    assert os.path.getsize(sys.modules["tensorflow.distribute"].__file__) == 0
    assert tf.distribute.__name__ == "tensorflow._api.v2.distribute"  # the attribute is the API


def test_strategy_methods_on_2_21():
    classes = [getattr(tf.distribute, n) for n in dir(tf.distribute) if n.endswith("Strategy")]
    classes += [getattr(tf.distribute.experimental, n) for n in dir(tf.distribute.experimental)
                if n.endswith("Strategy")]
    v1 = tf.compat.v1.distribute.Strategy
    for name, entry in changes.data()["strategy_methods"].items():
        present = changes.has(entry["v2"], LATEST)
        assert hasattr(tf.distribute.Strategy, name) == present, name
        assert hasattr(v1, name) == changes.has(entry["v1"], LATEST), name
        if not changes.has(entry["any_v2"], LATEST):
            assert not any(hasattr(c, name) for c in classes), name
        if present:
            assert _deprecated(getattr(tf.distribute.Strategy, name)) == changes.has(
                entry["v2_deprecated"], LATEST), name
        fix = entry.get("fix")
        if fix:
            target = tf.distribute.Strategy
            for part in fix["replacement"].split("."):
                target = getattr(target, part) if part != "extended" else tf.distribute.StrategyExtended
            assert not _deprecated(target), name


def test_deprecated_names_on_2_21():
    assert tf.distribute.experimental.TPUStrategy._tf_deprecated_api_names == (
        "distribute.experimental.TPUStrategy",)
    assert _deprecated(tf.distribute.experimental.MultiWorkerMirroredStrategy.__init__)
    assert _deprecated(tf.distribute.experimental.CollectiveHints.__new__)
    assert not hasattr(tf.distribute.TPUStrategy, "_tf_deprecated_api_names")
    # experimental.ParameterServerStrategy: the same class, not deprecated: not flagged
    assert tf.distribute.experimental.ParameterServerStrategy is tf.distribute.ParameterServerStrategy
    assert not _deprecated(tf.distribute.ParameterServerStrategy.__init__)
    assert tf.distribute.experimental.CentralStorageStrategy  # no stable name: stays
    assert not hasattr(tf, "contrib")
    assert callable(tf.distribute.experimental_set_strategy)  # current: not flagged


def test_program_fails_before_the_fix_and_trains_after(tmp_path):
    program = tmp_path / "train.py"
    shutil.copy(PROGRAMS / "distribute_changes.py", program)
    codes = sorted(line.split()[1] for line in run_cli(program).stdout.decode().splitlines())
    assert codes == ["HDL301", "HDL302", "HDL402"]

    before = run_python(program)
    assert before.returncode != 0
    assert "cannot import name 'MirroredStrategy' from 'tensorflow.distribute'" in before.stderr

    fixed = run_cli(program, fix=True)
    assert fixed.returncode == 1, fixed.stderr
    assert run_cli(program).returncode == 0

    after = run_python(program)
    assert after.returncode == 0, after.stderr[-3000:]
    assert after.stdout.split()[-4:] == ["MirroredStrategy", "1", "total", "56.0"]


def _import_lines(path):
    lines = path.read_text().splitlines()
    head = lines[: next(i for i, l in enumerate(lines) if l.startswith("resolver ="))]
    return "\n".join(head + ["print(cluster_resolver.TPUClusterResolver.__name__)"]) + "\n"


def test_seed_example_3_imports_only_after_the_fix(tmp_path):
    before = tmp_path / "before.py"
    before.write_text(_import_lines(fixture("seed", "fix", "seed_example3.in.py")))
    result = run_python(before)
    assert result.returncode != 0
    assert "No module named 'tensorflow.distribute.cluster_resolver'" in result.stderr

    after = tmp_path / "after.py"
    after.write_text(_import_lines(fixture("seed", "fix", "seed_example3.out.py")))
    result = run_python(after)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "TPUClusterResolver"
