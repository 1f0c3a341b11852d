"""The target from the project's own TensorFlow requirement when target-tf is not set (as
ruff reads requires-python): the newest release the requirement allows."""

import nbformat
import pytest

from conftest import run_cli
from hub_dist_lint.tf_pins import combined_pin, project_pin, target_of

HUB_IN_SEQUENTIAL = ("import tensorflow as tf\nimport tensorflow_hub as hub\n"
                     "model = tf.keras.Sequential([hub.KerasLayer('m')])\n")


@pytest.mark.parametrize("requirement,target", [
    ("tensorflow==2.15.1", "2.15"), ("tensorflow<2.16", "2.15"), ("tensorflow>=2.10,<2.16", "2.15"),
    ("tensorflow-cpu~=2.12.0", "2.12"), ("tensorflow[and-cuda]==2.16.1", "2.16"),
    ("tensorflow>=2.10", "2.21"), ("tensorflow==2.9.*", "2.9"), ("tensorflow>=2.22", "2.21"),
])
def test_newest_release_allowed(requirement, target):
    assert target_of(requirement).target == target


@pytest.mark.parametrize("requirement", ["tensorflow", "tf-nightly", "tensorflow-hub==0.16.1", "keras<3"])
def test_no_pin(requirement):
    assert target_of(requirement) is None


def test_tensorflow_1_is_older_than_the_data():
    assert target_of("tensorflow==1.15.5").too_old


def test_several_requirements_are_intersected():
    pin = combined_pin(["tensorflow>=2.10", "numpy", "tensorflow-cpu<2.14"])
    assert pin.target == "2.13" and pin.requirement == "tensorflow>=2.10, tensorflow-cpu<2.14"


@pytest.mark.parametrize("name,content", [
    ("pyproject.toml", '[project]\nname = "p"\ndependencies = ["numpy", "tensorflow>=2.10,<2.16"]\n'),
    ("pyproject.toml", '[project]\nname = "p"\n[project.optional-dependencies]\ntf = ["tensorflow<2.16"]\n'),
    ("setup.cfg", "[options]\ninstall_requires =\n    numpy\n    tensorflow<2.16  # Keras 2\n"),
    ("requirements.txt", "numpy==1.26\ntensorflow-cpu==2.15.1 \\\n    --hash=sha256:00\n"),
    ("requirements-gpu.txt", "# the GPU build\ntensorflow[and-cuda]<2.16\n"),
])
def test_project_files(tmp_path, name, content):
    (tmp_path / ".git").mkdir()
    (tmp_path / name).write_text(content)
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    found = project_pin(str(tmp_path / "src" / "pkg"))
    assert found.path == str(tmp_path / name) and found.pin.target == "2.15"


def test_the_search_stops_at_the_repository_root(tmp_path):
    (tmp_path / "requirements.txt").write_text("tensorflow==2.12.0\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert project_pin(str(tmp_path / "repo")) is None
    (tmp_path / "repo" / "sub").mkdir()
    (tmp_path / "repo" / "sub" / "requirements.txt").write_text("tensorflow==2.14.0\n")
    assert project_pin(str(tmp_path / "repo" / "sub")).pin.target == "2.14"


def _project(tmp_path, requirement="tensorflow>=2.10,<2.16"):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "p"\ndependencies = ["{requirement}"]\n')
    (tmp_path / "train.py").write_text(HUB_IN_SEQUENTIAL)


def test_the_cli_checks_against_the_pin_and_says_so(tmp_path):
    _project(tmp_path)
    result = run_cli("-v", "--no-cache", "train.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, b"")  # tf.keras is Keras 2 in TF 2.15
    assert result.stderr.decode() == ("train.py: target TF 2.15, the newest release "
                                      "`tensorflow>=2.10,<2.16` allows (pyproject.toml)\n")
    # a target in the configuration or on the command line wins
    assert "HDL501" in run_cli("--no-cache", "--target-tf", "2.21", "train.py", cwd=tmp_path).stdout.decode()
    with open(tmp_path / "pyproject.toml", "a") as handle:
        handle.write('[tool.hub-dist-lint]\ntarget-tf = "2.21"\n')
    assert "HDL501" in run_cli("--no-cache", "train.py", cwd=tmp_path).stdout.decode()


def test_a_notebook_pin_wins_over_the_project(tmp_path):
    _project(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("!pip install tensorflow==2.17.0"),
                nbformat.v4.new_code_cell(HUB_IN_SEQUENTIAL)]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    result = run_cli("-v", "--no-cache", "nb.ipynb", cwd=tmp_path)
    assert "HDL501" in result.stdout.decode() and "TF 2.17" in result.stderr.decode()


def test_doctor_says_which_target(tmp_path):
    _project(tmp_path, "tensorflow==2.13.1")
    result = run_cli("doctor", "--format", "json", cwd=tmp_path)
    import json

    assert json.loads(result.stdout)["lint_target"] == (
        "linting here checks against TF 2.13, the newest release `tensorflow==2.13.1` allows "
        "(pyproject.toml)")


def test_a_walks_listings_give_the_settings_stat_probes_give(tmp_path):
    """The CLI's resolver answers configuration, requirement and root-marker probes from
    the names its walk listed; every directory gets the settings a resolver that stats
    each candidate gives (a pin per sub-project, a repository root, a configuration)."""
    import os

    from hub_dist_lint.config import Resolver
    from hub_dist_lint.files import discover

    (tmp_path / "requirements.txt").write_text("tensorflow==2.12.0\n")
    (tmp_path / "pyproject.toml").write_text('[tool.hub-dist-lint]\nextend-exclude = ["skip"]\n')
    for sub in ("a", "a/deep", "repo", "repo/x", "repo/y", "skip", "b"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
        (tmp_path / sub / "m.py").write_text("import tensorflow as tf\n")
    (tmp_path / "repo" / ".git").mkdir()
    (tmp_path / "repo" / "x" / "requirements-gpu.txt").write_text("tensorflow[and-cuda]<2.16\n")
    (tmp_path / "b" / "setup.cfg").write_text("[options]\ninstall_requires =\n    tensorflow<2.14\n")
    walking = Resolver(cwd=str(tmp_path))
    files, _ = discover([str(tmp_path)], walking.excluded, walking.seen)
    assert not any("skip" in f for f in files) and len(files) == 6
    probing = Resolver(cwd=str(tmp_path))
    targets = {}
    for path in files:
        directory = os.path.dirname(path)
        assert walking.settings_for_dir(directory) == probing.settings_for_dir(directory)
        targets[os.path.relpath(directory, tmp_path)] = walking.config_for(path).target_tf
    assert targets == {"a": "2.12", "a/deep": "2.12", "repo": None, "repo/x": "2.15",
                       "repo/y": None, "b": "2.13"}
