"""legacy-keras: a project that runs with TF_USE_LEGACY_KERAS=1 set by its entry point or
its environment (tf.keras is tf-keras everywhere); and the entry-point proof's reading of
the project (analysis/entry_point.py), which the cache must not keep."""

import json

import pytest

from conftest import run_cli
from hub_dist_lint.config import Config, ConfigError, Resolver, load_file
from hub_dist_lint.engine import lint

LIBRARY = ("import tensorflow as tf\nimport tensorflow_hub as hub\nimport keras\n\n\n"
           "def tf_keras_model():\n    return tf.keras.Sequential([hub.KerasLayer('u')])\n\n\n"
           "def keras3_model():\n    return keras.Sequential([hub.KerasLayer('u')])\n")
LATE = "import os\nimport tensorflow_hub as hub\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\n"
BAD_VALUE = "import os\nos.environ['TF_USE_LEGACY_KERAS'] = 'TRUE'\nimport tensorflow_hub as hub\n"


def _lines(source, legacy):
    return [(d.line, d.code) for d in lint(source, config=Config(select=("HDL5",), legacy_keras=legacy))]


def test_tf_keras_is_tf_keras_but_the_keras_package_is_still_keras3():
    assert _lines(LIBRARY, False) == [(7, "HDL501"), (11, "HDL501")]
    assert _lines(LIBRARY, True) == [(11, "HDL501")]


def test_a_late_switch_is_moot_but_a_value_tensorflow_ignores_is_not():
    # the environment set it before the program started; "TRUE" overwrites it with Keras 3
    assert _lines(LATE, False) == [(3, "HDL502")] and _lines(LATE, True) == []
    assert _lines(BAD_VALUE, True) == [(2, "HDL502")]


@pytest.mark.parametrize("name,text", [
    ("pyproject.toml", "[tool.hub-dist-lint]\nlegacy-keras = true\n"),
    ("setup.cfg", "[hub-dist-lint]\nlegacy_keras = yes\n"),
])
def test_configuration_files(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    assert load_file(str(tmp_path / name)).legacy_keras is True
    assert Resolver(cwd=str(tmp_path)).config_for(str(tmp_path / "lib.py")).legacy_keras
    (tmp_path / name).write_text(text.replace("true", "1").replace("yes", "maybe"))
    with pytest.raises(ConfigError, match="legacy"):
        load_file(str(tmp_path / name))


def test_command_line_and_verbose_and_doctor(tmp_path):
    (tmp_path / "lib.py").write_text(LIBRARY)
    plain = run_cli("--no-cache", "--isolated", "lib.py", cwd=tmp_path)
    assert plain.stdout.decode().count("HDL501") == 2
    flagged = run_cli("--no-cache", "--isolated", "--legacy-keras", "-v", "lib.py", cwd=tmp_path)
    assert flagged.stdout.decode().count("HDL501") == 1
    assert "tf.keras read as tf-keras (legacy-keras" in flagged.stderr.decode()
    (tmp_path / "pyproject.toml").write_text("[tool.hub-dist-lint]\nlegacy-keras = true\n")
    configured = run_cli("--no-cache", "lib.py", cwd=tmp_path)
    assert configured.stdout.decode().count("HDL501") == 1
    doctor = run_cli("doctor", "--format", "json", cwd=tmp_path)
    assert "tf.keras is read as tf-keras (legacy-keras" in json.loads(doctor.stdout)["lint_target"]


def test_findings_that_read_the_project_are_not_cached(tmp_path):
    # the same script, until another file of the project imports it
    script = tmp_path / "model.py"
    script.write_text("import tensorflow as tf\nimport tensorflow_hub as hub\n\n"
                      "m = tf.keras.Sequential([hub.KerasLayer('u')])\n")
    cache = ["--cache-dir", str(tmp_path / ".cache")]
    first = run_cli(*cache, "model.py", cwd=tmp_path).stdout.decode()
    assert "sets TF_USE_LEGACY_KERAS=1 at the top of this entry-point script" in first
    (tmp_path / "train.py").write_text("import tensorflow as tf\nimport model\n")
    second = run_cli(*cache, "model.py", cwd=tmp_path).stdout.decode()
    assert "not the switch at its top: train.py imports a module named model (this file" in second
