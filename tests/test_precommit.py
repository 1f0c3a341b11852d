"""The pre-commit hooks, run by the real `pre-commit` against temporary git repositories.

Two ways, each test run both:
- "local" (no network): the hook definitions of .pre-commit-hooks.yaml as they are, as
  `repo: local` hooks with `language: system`, so that pre-commit runs the entry points
  installed beside this interpreter instead of building an environment with pip;
- "installed" (needs the package index, so it carries the `tf` marker and runs in the
  full suite only): the hook repository is a fresh git repository made from this source
  tree as it is now (tracked and new files), so the test checks what would be committed,
  in a developer's tree and in CI's clone alike, and pre-commit installs it into its own
  virtualenv with pip, as it would for a user.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytest.importorskip("pre_commit")

BAD = (
    "from tensorflow.python.distribute.mirrored_strategy import MirroredStrategy\n"
    "\n"
    "strategy = MirroredStrategy()\n"
)
CLEAN = "import tensorflow as tf\n\nstrategy = tf.distribute.MirroredStrategy()\n"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "hub-dist-lint tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "hub-dist-lint tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          env=dict(os.environ, **GIT_ENV)).stdout.decode()


def commit_all(repo: Path) -> str:
    git("add", "-A", cwd=repo)
    git("-c", "commit.gpgsign=false", "commit", "-q", "-m", "snapshot", cwd=repo)
    return git("rev-parse", "HEAD", cwd=repo).strip()


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=path)
    return path


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """pre-commit's cache in a temporary home: hook environments are built once per module."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    home = tmp_path_factory.mktemp("pre-commit-home")
    # the entry points installed with this interpreter come first (`language: system`)
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    return dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never",
                PIP_DISABLE_PIP_VERSION_CHECK="1", PATH=path, **GIT_ENV)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """This source tree as a git repository with everything committed."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, check=True, capture_output=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the source tree is not a git checkout")
    repo = new_repo(tmp_path_factory.mktemp("hook-repo") / "hub-dist-lint")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.is_file():  # deleted in the work tree
            continue
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    commit_all(repo)
    return repo


def pre_commit(*args, cwd, env):
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)


def target_repo(path: Path, files: dict) -> Path:
    repo = new_repo(path)
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git("add", "-A", cwd=repo)
    return repo


def hook_definitions():
    import yaml  # pre-commit's own dependency

    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def test_hook_definitions():
    hooks = {h["id"]: h for h in hook_definitions()}
    assert set(hooks) >= {"hub-dist-lint", "hub-dist-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types_or"] == ["python", "pyi", "jupyter"]


def local_config(*hook_ids) -> str:
    """The hooks as this repository defines them, run from the installed entry points."""
    import yaml

    hooks = {h["id"]: dict(h, language="system") for h in hook_definitions()}
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hooks[h] for h in hook_ids]}]},
                          sort_keys=False)


def repo_config(hook_repo: Path, *hook_ids) -> str:
    """A .pre-commit-config.yaml using these hooks of the hook repository (`pre-commit
    run` keeps the hook environment in PRE_COMMIT_HOME, where try-repo builds a new one
    every time)."""
    rev = git("rev-parse", "HEAD", cwd=hook_repo).strip()
    hooks = "".join(f"      - id: {h}\n" for h in hook_ids)
    return f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n{hooks}"


@pytest.fixture(scope="module", params=[
    "local",
    # pre-commit builds the hook environment with pip from the package index
    pytest.param("installed", marks=pytest.mark.tf),
])
def config_for(request):
    """config_for(*hook_ids): the text of a .pre-commit-config.yaml with these hooks."""
    if request.param == "local":
        for hook in hook_definitions():
            if shutil.which(hook["entry"].split()[0], path=os.path.dirname(sys.executable)) is None:
                pytest.skip(f"{hook['entry'].split()[0]} is not installed beside {sys.executable}")
        return local_config
    hook_repo = request.getfixturevalue("hook_repo")
    return lambda *hook_ids: repo_config(hook_repo, *hook_ids)


def test_lint_hook_fails_on_a_bad_file_and_passes_on_a_clean_one(tmp_path, config_for, env):
    bad = target_repo(tmp_path / "bad", {".pre-commit-config.yaml": config_for("hub-dist-lint"),
                                         "a.py": BAD, "notes.txt": "tensorflow.python\n"})
    result = pre_commit("run", "--all-files", cwd=bad, env=env)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "a.py:1:1: HDL101 private import" in out and "Failed" in out
    assert "notes.txt" not in out

    clean = target_repo(tmp_path / "clean", {".pre-commit-config.yaml": config_for("hub-dist-lint"),
                                             "a.py": CLEAN})
    result = pre_commit("run", "--all-files", cwd=clean, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_lint_hook_honours_the_project_exclude(tmp_path, config_for, env):
    repo = target_repo(tmp_path / "proj", {
        ".pre-commit-config.yaml": config_for("hub-dist-lint"),
        "pyproject.toml": '[tool.hub-dist-lint]\nextend-exclude = ["generated/"]\n',
        "generated/a.py": BAD, "src/b.py": CLEAN})
    result = pre_commit("run", "--all-files", cwd=repo, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_fix_hook_rewrites_and_fails_then_passes(tmp_path, config_for, env):
    repo = target_repo(tmp_path / "fixme", {
        ".pre-commit-config.yaml": config_for("hub-dist-fix", "hub-dist-lint"),
        "a.py": BAD})
    first = pre_commit("run", "--all-files", cwd=repo, env=env)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert (repo / "a.py").read_text() == CLEAN
    git("add", "-A", cwd=repo)
    second = pre_commit("run", "--all-files", cwd=repo, env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.count("Passed") == 2


@pytest.mark.tf  # pre-commit installs flake8 and this tree with pip from the package index
def test_flake8_route(tmp_path, hook_repo, env):
    """The documented flake8 route: the flake8 hook with hub-dist-lint as an additional
    dependency. The flake8 hook repository here carries the same hook definition as
    flake8's own (.pre-commit-hooks.yaml of PyCQA/flake8) and installs flake8 from the
    package index; hub-dist-lint comes from this tree instead of PyPI."""
    flake8_repo = new_repo(tmp_path / "flake8-hook")
    (flake8_repo / ".pre-commit-hooks.yaml").write_text(
        "- id: flake8\n  name: flake8\n  entry: flake8\n  language: python\n"
        "  types: [python]\n  require_serial: true\n")
    (flake8_repo / "setup.py").write_text(
        "from setuptools import setup\nsetup(name='flake8-hook', version='0', install_requires=['flake8'])\n")
    rev = commit_all(flake8_repo)
    repo = target_repo(tmp_path / "proj", {"a.py": BAD, ".pre-commit-config.yaml": (
        "repos:\n"
        f"  - repo: {flake8_repo}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: flake8\n"
        "        args: [--select=HDL]\n"
        f"        additional_dependencies: ['{hook_repo}']\n")})
    result = pre_commit("run", "--all-files", cwd=repo, env=env)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "a.py:1:1: HDL101 private import" in out


def test_hooks_take_notebooks(tmp_path, config_for, env):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Training"),
                nbformat.v4.new_code_cell("!pip install -q tensorflow-hub\n" + BAD.split("\n")[0]),
                nbformat.v4.new_code_cell(BAD.split("\n", 2)[2].strip(),
                                          outputs=[nbformat.v4.new_output("stream", text="ok\n")])]
    text = nbformat.writes(nb) + "\n"
    repo = target_repo(tmp_path / "nb", {
        ".pre-commit-config.yaml": config_for("hub-dist-fix", "hub-dist-lint"), "train.ipynb": text})
    first = pre_commit("run", "--all-files", cwd=repo, env=env)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    fixed = nbformat.read(repo / "train.ipynb", 4)
    assert [c.source for c in fixed.cells][1:] == [
        "!pip install -q tensorflow-hub\nimport tensorflow as tf",
        "strategy = tf.distribute.MirroredStrategy()"]
    assert fixed.cells[2].outputs == nb.cells[2].outputs
    git("add", "-A", cwd=repo)
    second = pre_commit("run", "--all-files", cwd=repo, env=env)
    assert second.returncode == 0, second.stdout + second.stderr
