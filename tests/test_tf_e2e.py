"""Fixed code runs under real TensorFlow 2.21 (CPU); the unfixed code's failures are real too."""

import pytest

from conftest import EXAMPLES, run_cli
from goldens import fixture
from tf_support import run_python

pytestmark = pytest.mark.tf
pytest.importorskip("tensorflow")

# Fixtures whose fixed form is a complete program.
RUNNABLE = ["issue_example", "counterpart_ok", "module_aliases", "reuse_alias", "function_scope"]


@pytest.mark.parametrize("name", RUNNABLE)
def test_fixed_fixture_runs_under_tf(name):
    result = run_python(fixture("private_imports", "fix", f"{name}.out.py"))
    assert result.returncode == 0, result.stderr[-2000:]


KERAS_PROGRAM = """\
{imports}
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input((4,)), {dense}(3)])
print(type(model.layers[-1]).__module__)
"""


def test_private_keras_is_a_stale_copy_and_the_fix_repairs_it(tmp_path):
    # TF 2.21 still ships tensorflow/python/keras, a legacy copy that is not tf.keras:
    # its layers cannot go into a tf.keras model. The fixed spelling can.
    program = tmp_path / "model.py"
    program.write_text(KERAS_PROGRAM.format(
        imports="from tensorflow.python.keras.layers import Dense", dense="Dense"))
    before = run_python(program)
    assert before.returncode != 0
    assert "Only instances of `keras.Layer` can be added" in before.stderr
    assert run_cli(program, "--unsafe-fixes", fix=True).returncode == 1
    assert "tf.keras.layers.Dense(3)" in program.read_text()
    after = run_python(program)
    assert after.returncode == 0, after.stderr[-2000:]
    assert after.stdout.strip().startswith("keras")


def test_issue_example_fixed_by_the_cli_runs(tmp_path):
    target = tmp_path / "a.py"
    target.write_bytes((fixture("private_imports", "fix", "issue_example.in.py")).read_bytes())
    assert run_cli(target, fix=True).returncode == 1
    assert "tf.distribute.MirroredStrategy()" in target.read_text()
    result = run_python(target)
    assert result.returncode == 0, result.stderr[-2000:]


def test_seed_example_1_really_fails_on_tf_2_21():
    result = run_python(EXAMPLES / "seed_example1.py")
    assert result.returncode != 0
    assert "cannot import name 'AutoPolicy'" in result.stderr
