"""`hub-dist-lint doctor` against real interpreters and real virtual environments.

Fast (no TensorFlow needed): an empty venv, interpreters that cannot be run.
tf-marked: the test interpreter itself (healthy), and venvs that see the test
interpreter's installed packages through a directory of symlinks ("view") minus
some of them, so that a package is really absent:

* without the interpreter's setuptools/pkg_resources and with setuptools>=81
  installed by pip: `import tensorflow_hub` really fails for want of pkg_resources.
  (A `--system-site-packages` venv with setuptools>=81 does not do it: the base
  interpreter's pkg_resources stays importable, since setuptools>=81 simply has
  no pkg_resources of its own to shadow it with.)
* without tf-keras, then with the wrong tf-keras release.
"""

import json
import os
import shlex
import site
import subprocess
import sys
import textwrap
import time
import venv
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
ENV.pop("TF_USE_LEGACY_KERAS", None)


def doctor(*args, env=None):
    result = run_cli("doctor", *args, env=env or ENV)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def doctor_json(*args, env=None):
    code, out, err = doctor("--format", "json", *args, env=env)
    return code, json.loads(out), err


def lines(out, status):
    return [l[len(status):].strip() for l in out.splitlines() if l.startswith(status + " ")]


def venv_python(path: Path) -> str:
    return str(path / "bin" / "python")


# ---------------------------------------------------------------------------
# venvs


@pytest.fixture(scope="session")
def bare_venv(tmp_path_factory):
    """A real venv with nothing installed (no pip, no setuptools, no TensorFlow)."""
    path = tmp_path_factory.mktemp("bare") / "venv"
    venv.EnvBuilder(with_pip=False).create(path)
    return path


def _site_dirs():
    dirs = list(site.getsitepackages())
    if site.ENABLE_USER_SITE and os.path.isdir(site.getusersitepackages()):
        dirs.append(site.getusersitepackages())
    return [Path(d) for d in dirs if os.path.isdir(d)]


def make_view_venv(path: Path, leave_out) -> str:
    """A venv seeing this interpreter's packages, except the top-level entries ``leave_out``
    matches (module dirs and their dist-info), through symlinks. No .pth of the base
    site-packages is run (editable installs, setuptools' distutils hack)."""
    venv.EnvBuilder(with_pip=False).create(path)
    python = venv_python(path)
    view = path / "view"
    view.mkdir()
    for site_dir in _site_dirs():
        for entry in sorted(site_dir.iterdir()):
            name = entry.name
            if name.endswith(".pth") or name.startswith("__editable__") or name == "__pycache__":
                continue
            if any(leave(name) for leave in leave_out):
                continue
            if not (view / name).exists():
                (view / name).symlink_to(entry)
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "hdl_test_view.pth").write_text(str(view) + "\n")
    return python


def without(*dists):
    """Matchers for a distribution's top-level entries: 'tf_keras' matches tf_keras and
    tf_keras-2.21.0.dist-info."""
    def matcher(dist):
        return lambda name: name == dist or name.startswith(dist + "-")
    return [matcher(d) for d in dists]


def pip_install(python, *requirements):
    result = subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                             *requirements], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]


# ---------------------------------------------------------------------------
# fast: an empty venv


def test_no_tensorflow_at_all(bare_venv):
    python = venv_python(bare_venv)
    code, out, err = doctor("--python", python)
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == f"hub-dist-lint doctor: {python} (Python {sys.version.split()[0]}, a virtual environment)"
    problems = lines(out, "problem")
    assert f"TensorFlow is not installed; fix: {python} -m pip install tensorflow" in problems
    assert f"tensorflow-hub is not installed; fix: {python} -m pip install tensorflow-hub" in problems
    assert out.splitlines()[-1].startswith("result: 2 problems")


def test_no_tensorflow_json(bare_venv):
    python = venv_python(bare_venv)
    code, report, _ = doctor_json("--python", python)
    assert code == 1 and report["exit_code"] == 1 and report["healthy"] is False
    assert report["python"] == python and report["venv"] is True
    assert report["packages"]["tensorflow"] is None
    assert report["pkg_resources"] is False
    by_check = {c["check"]: c for c in report["checks"]}
    assert by_check["tensorflow"]["status"] == "problem"
    assert by_check["tensorflow"]["fix"] == f"{python} -m pip install tensorflow"


def test_the_tool_process_never_imports_tensorflow(bare_venv):
    code = textwrap.dedent(f"""
        import sys
        from hub_dist_lint import doctor
        rc = doctor.main(["--python", {venv_python(bare_venv)!r}])
        print("RC", rc, sorted(m for m in sys.modules if m.split(".")[0] == "tensorflow"))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env=ENV, timeout=300)
    assert "RC 1 []" in result.stdout, result.stdout + result.stderr


# ---------------------------------------------------------------------------
# fast: interpreters that cannot be run -> exit 2, one line


def _script(tmp_path, name, body, mode=0o755):
    path = tmp_path / name
    path.write_text(body)
    path.chmod(mode)
    return path


@pytest.mark.parametrize("kind, expected", [
    ("missing", "no such file"),
    ("directory", "is a directory, not an interpreter"),
    ("not-executable", "not executable"),
    ("not-on-path", "not found on PATH"),
    ("not-python", "not a working Python 3 interpreter (exit 3: boom)"),
    ("not-a-program", "cannot run it: Exec format error"),
])
def test_interpreter_that_cannot_be_run(tmp_path, kind, expected):
    python = {
        "missing": lambda: tmp_path / "nope" / "python",
        "directory": lambda: tmp_path,
        "not-executable": lambda: _script(tmp_path, "python", "#!/bin/sh\n", mode=0o644),
        "not-on-path": lambda: "hdl-no-such-python-3.99",
        "not-python": lambda: _script(tmp_path, "python", "#!/bin/sh\necho boom >&2\nexit 3\n"),
        "not-a-program": lambda: _script(tmp_path, "python", "\x7fELF garbage"),
    }[kind]()
    if kind == "not-executable" and os.access(python, os.X_OK):
        pytest.skip("running as a user who may execute any file")
    code, out, err = doctor("--python", python)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1, err
    assert err.startswith("hub-dist-lint doctor: error: cannot inspect ") and expected in err


def test_cannot_run_json(tmp_path):
    code, report, err = doctor_json("--python", tmp_path / "nope")
    assert code == 2 and report["exit_code"] == 2
    assert "no such file" in report["error"] and err.count("\n") == 1


def test_hanging_interpreter_is_stopped_by_the_timeout(tmp_path):
    # the child (sleep) of the shell would keep the pipes open: the whole group is killed
    python = _script(tmp_path, "python", "#!/bin/sh\nsleep 60\necho never\n")
    start = time.monotonic()
    code, out, err = doctor("--python", python, "--timeout", "1")
    assert time.monotonic() - start < 30
    assert code == 2 and "no answer within 1 s" in err


@pytest.mark.parametrize("args, what", [
    (["--timeout", "abc"], "'abc' is not a number of seconds"),
    (["--timeout", "0"], "must be more than 0 seconds"),
    (["--format", "yaml"], "invalid choice: 'yaml'"),
    (["--bogus"], "unrecognized arguments: --bogus"),
])
def test_bad_usage_exit_2(args, what):
    code, out, err = doctor(*args)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and what in err


# ---------------------------------------------------------------------------
# tf-marked: real TensorFlow environments


@pytest.mark.tf
def test_healthy_test_interpreter_exits_0():
    pytest.importorskip("tensorflow")
    code, out, err = doctor()
    assert (code, err) == (0, ""), out
    ok = lines(out, "ok")
    assert any(l.startswith("tensorflow 2.21.") for l in ok), out
    assert "tf-keras 2.21.0 fits TensorFlow 2.21" in ok
    assert "import tensorflow_hub works (tensorflow-hub 0.16.1)" in ok
    assert any(l.startswith("setuptools ") and l.endswith(" provides pkg_resources") for l in ok)
    notes = lines(out, "note")
    assert len(notes) == 1 and notes[0].startswith("TF_USE_LEGACY_KERAS is not set")
    assert "fix: export TF_USE_LEGACY_KERAS=1" in notes[0]
    assert out.splitlines()[-1] == "result: healthy (1 note)"
    assert lines(out, "problem") == []


@pytest.mark.tf
def test_legacy_keras_set_json_and_no_tensorflow_in_the_tool_process():
    pytest.importorskip("tensorflow")
    code = textwrap.dedent("""
        import sys
        from hub_dist_lint import doctor
        rc = doctor.main(["--format", "json"])
        print("TF-MODULES", rc, sorted(m for m in sys.modules if m.split(".")[0] == "tensorflow"))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={**ENV, "TF_USE_LEGACY_KERAS": "1"}, timeout=600)
    body, _, tail = result.stdout.rpartition("TF-MODULES")
    assert tail.strip() == "0 []", result.stdout + result.stderr
    report = json.loads(body)
    assert report["healthy"] is True and report["notes"] == 0
    assert report["TF_USE_LEGACY_KERAS"] == "1"
    legacy = next(c for c in report["checks"] if c["check"] == "TF_USE_LEGACY_KERAS")
    assert legacy == {"check": "TF_USE_LEGACY_KERAS", "status": "ok",
                      "message": "TF_USE_LEGACY_KERAS=1: tf.keras is tf-keras 2.21.0", "fix": None}


@pytest.mark.tf
def test_missing_pkg_resources_breaks_tensorflow_hub_and_the_fix_repairs_it(tmp_path):
    pytest.importorskip("tensorflow_hub")
    python = make_view_venv(tmp_path / "venv", without("setuptools", "pkg_resources", "_distutils_hack"))
    pip_install(python, "setuptools>=81")
    # the environment is really broken, as a user would see it
    direct = subprocess.run([python, "-c", "import tensorflow_hub"], capture_output=True, text=True,
                            env=ENV, timeout=600)
    assert direct.returncode == 1
    assert direct.stderr.strip().splitlines()[-1] == "ModuleNotFoundError: No module named 'pkg_resources'"

    code, out, err = doctor("--python", python)
    assert (code, err) == (1, ""), out
    (problem,) = lines(out, "problem")
    assert problem.startswith("import tensorflow_hub fails: ModuleNotFoundError: No module named "
                              "'pkg_resources': tensorflow-hub 0.16.1 imports pkg_resources, which "
                              "setuptools 8")
    assert "no longer ships (setuptools >= 81 dropped it); pin setuptools<81; fix: " in problem
    fix = problem.rpartition("; fix: ")[2]
    assert fix == f"{python} -m pip install 'setuptools<81'"

    # the printed fix command works
    subprocess.run(shlex.split(fix) + ["-q", "--disable-pip-version-check"], check=True,
                   capture_output=True, timeout=600)
    code, out, _ = doctor("--python", python)
    assert code == 0, out
    assert lines(out, "problem") == []


@pytest.mark.tf
def test_tf_keras_missing_then_mismatched(tmp_path):
    pytest.importorskip("tf_keras")
    python = make_view_venv(tmp_path / "venv", without("tf_keras"))
    code, report, _ = doctor_json("--python", python)
    assert code == 1
    problems = {c["check"]: c for c in report["checks"] if c["status"] == "problem"}
    assert set(problems) == {"tf-keras", "tensorflow-hub"}, report
    assert problems["tf-keras"]["message"].startswith("tf-keras is not installed: on TensorFlow >= 2.16 "
                                                      "hub.KerasLayer needs it")
    assert problems["tf-keras"]["fix"] == f"{python} -m pip install 'tf-keras==2.21.*'"
    # any other reason: the exception's last line
    assert problems["tensorflow-hub"]["message"] == (
        "import tensorflow_hub fails: ModuleNotFoundError: No module named 'tf_keras'")

    pip_install(python, "--no-deps", "tf-keras==2.20.*")
    code, out, _ = doctor("--python", python)
    assert code == 1
    mismatch = [l for l in lines(out, "problem") if l.startswith("tf-keras ")]
    assert len(mismatch) == 1 and "does not fit TensorFlow 2.21" in mismatch[0], out
    assert mismatch[0].endswith(f"fix: {python} -m pip install 'tf-keras==2.21.*'")
