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
# fast: an externally managed interpreter (PEP 668), e.g. Debian's /usr/bin/python3


def _externally_managed_python():
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if not os.access(candidate, os.X_OK):
            continue
        stdlib = subprocess.run([candidate, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                                capture_output=True, text=True).stdout.strip()
        if stdlib and os.path.isfile(os.path.join(stdlib, "EXTERNALLY-MANAGED")):
            return candidate, os.path.join(stdlib, "EXTERNALLY-MANAGED")
    pytest.skip("no externally managed interpreter on this machine (Debian's python3 is one)")


def test_externally_managed_interpreter_gets_a_virtual_environment(tmp_path):
    python, marker = _externally_managed_python()
    env = {k: v for k, v in ENV.items() if k not in ("PIP_BREAK_SYSTEM_PACKAGES", "VIRTUAL_ENV")}
    # the premise: pip refuses to install into it
    refused = subprocess.run([python, "-m", "pip", "install", "--no-index", "hdl-no-such-package"],
                             capture_output=True, text=True, env=env, cwd=tmp_path)
    if "externally-managed-environment" not in refused.stderr:
        pytest.skip(f"{python} has no pip that enforces PEP 668")
    code, out, err = doctor("--python", python, env=env)
    assert code == 1 and err == "", out
    header = out.splitlines()[0]
    assert header.startswith(f"hub-dist-lint doctor: {python} (Python ") and header.endswith(", externally managed)")
    (note,) = [l for l in lines(out, "note") if "PEP 668" in l]
    assert note == (f"{python} is externally managed (PEP 668: {marker}): pip will not install into it, "
                    f"so the fixes below install into a virtual environment, .venv; fix: {python} -m venv .venv")
    fixes = [l.rpartition("; fix: ")[2] for l in lines(out, "problem")]
    assert fixes and all(f.startswith(f"{python} -m venv .venv && .venv/bin/python -m pip install ")
                         for f in fixes), fixes
    assert f"{python} -m pip install" not in out
    # the suggested environment takes installs: pip there looks for the package instead of refusing
    subprocess.run([python, "-m", "venv", ".venv"], check=True, cwd=tmp_path, env=env, timeout=300)
    venv_pip = subprocess.run([".venv/bin/python", "-m", "pip", "install", "--no-index", "hdl-no-such-package"],
                              capture_output=True, text=True, env=env, cwd=tmp_path)
    assert "externally-managed-environment" not in venv_pip.stderr
    assert "No matching distribution found for hdl-no-such-package" in venv_pip.stderr
    code, report, _ = doctor_json("--python", str(tmp_path / ".venv" / "bin" / "python"), env=env)
    assert report["venv"] is True and report["externally_managed"] is None
    assert all(" -m venv " not in (c["fix"] or "") for c in report["checks"])
    # PIP_BREAK_SYSTEM_PACKAGES=1 lets pip install there: plain pip commands again
    code, report, _ = doctor_json("--python", python, env={**env, "PIP_BREAK_SYSTEM_PACKAGES": "1"})
    assert report["externally_managed"] is None
    problem_fixes = [c["fix"] for c in report["checks"] if c["status"] == "problem"]
    assert problem_fixes and all(f.startswith(f"{python} -m pip install ") for f in problem_fixes)


def test_tensorboard_facts_come_from_the_wheels():
    """The shipped data against the wheels in the generator's cache (downloaded by
    `python -m hub_dist_lint.data.generate_tensorboard_facts`)."""
    from hub_dist_lint.data.generate_api_map import DEFAULT_WHEEL_DIR
    from hub_dist_lint.data.generate_tensorboard_facts import RELEASES, scan_wheel

    facts = json.loads((ROOT / "hub_dist_lint" / "data" / "tensorboard_facts.json").read_text())["releases"]
    assert list(facts) == list(RELEASES)
    importing = [v for v, found in facts.items() if any(i["on_import"] for i in found)]
    assert importing == list(RELEASES[:-1]) and facts["2.21.0"] == []  # 2.0.0-2.20.0, not 2.21.0
    wheels = sorted(DEFAULT_WHEEL_DIR.glob("tensorboard-*.whl"))
    if not wheels:
        pytest.skip(f"no TensorBoard wheels in {DEFAULT_WHEEL_DIR}")
    for wheel in wheels:
        assert scan_wheel(wheel) == facts[wheel.name.split("-")[1]], wheel.name


def test_tensorboard_fix_when_tensorflow_pins_it():
    """TensorFlow 2.2-2.20 pin TensorBoard to their own minor release (checked from the
    wheels' METADATA): then the fix is setuptools<81, not a newer TensorBoard. (The
    judging step alone, on the probe answers such an environment gives.)"""
    from hub_dist_lint.doctor import diagnose

    facts = {"dists": {"tensorflow": "2.20.0", "tensorboard": "2.20.0", "setuptools": "82.0.0",
                       "keras": "3.10.0", "tf-keras": "2.20.1", "tensorflow-hub": "0.16.1"},
             "found": {"tensorflow": True, "pkg_resources": False},
             "tf_requires": ["absl-py>=1.0.0", "tensorboard~=2.20.0"]}
    imports = {"tensorflow": {"ok": True, "version": "2.20.0"}, "tensorflow_hub": {"ok": True}}
    (finding,) = [f for f in diagnose("python", facts, imports) if f.check == "tensorboard"]
    assert finding.status == "problem" and finding.fix == "python -m pip install 'setuptools<81'"
    assert "which setuptools 82.0.0 no longer ships" in finding.message


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


@pytest.mark.tf
def test_legacy_keras_without_tf_keras_and_the_fix_repairs_it(tmp_path):
    pytest.importorskip("tf_keras")
    python = make_view_venv(tmp_path / "venv", without("tf_keras"))
    legacy = {**ENV, "TF_USE_LEGACY_KERAS": "1"}
    # as a user sees it: TensorFlow reads the variable and every tf.keras use fails
    direct = subprocess.run([python, "-c", "import tensorflow as tf; tf.keras.Sequential"],
                            capture_output=True, text=True, env=legacy, timeout=600)
    assert direct.returncode == 1
    assert direct.stderr.strip().splitlines()[-1] == "ImportError: Keras cannot be imported. Check that it is installed."

    code, report, _ = doctor_json("--python", python, env=legacy)
    assert code == 1
    problems = {c["check"]: c for c in report["checks"] if c["status"] == "problem"}
    assert problems["TF_USE_LEGACY_KERAS"] == {
        "check": "TF_USE_LEGACY_KERAS", "status": "problem",
        "message": "TF_USE_LEGACY_KERAS=1 makes tf.keras tf-keras, which is not installed: "
                   "tf.keras fails here",
        "fix": f"{python} -m pip install 'tf-keras==2.21.*'"}
    # tensorflow_hub, the first to touch tf.keras, shows TensorFlow's error, and gets the same fix
    assert problems["tensorflow-hub"] == {
        "check": "tensorflow-hub", "status": "problem",
        "message": "import tensorflow_hub fails: ImportError: Keras cannot be imported. Check that it is installed.",
        "fix": problems["TF_USE_LEGACY_KERAS"]["fix"]}

    subprocess.run(shlex.split(problems["TF_USE_LEGACY_KERAS"]["fix"]) + ["-q", "--disable-pip-version-check"],
                   check=True, capture_output=True, timeout=600)
    code, out, _ = doctor("--python", python, env=legacy)
    assert code == 0, out
    assert "TF_USE_LEGACY_KERAS=1: tf.keras is tf-keras 2.21.0" in lines(out, "ok")


@pytest.mark.tf
def test_tensorboard_importing_pkg_resources_and_the_fix_repairs_it(tmp_path):
    pytest.importorskip("tensorflow")
    python = make_view_venv(tmp_path / "venv", without("setuptools", "pkg_resources", "_distutils_hack",
                                                       "tensorboard"))
    pip_install(python, "setuptools>=81", "tensorboard==2.20.0")
    tensorboard = str(Path(python).parent / "tensorboard")
    # the wheel's own source, as the shipped data says
    default_py = subprocess.run([python, "-c", "import importlib.util as u; print(u.find_spec('tensorboard').submodule_search_locations[0])"],
                                capture_output=True, text=True, check=True).stdout.strip()
    assert Path(default_py, "default.py").read_text().splitlines()[29] == "import pkg_resources"
    broken = subprocess.run([tensorboard, "--version_tb"], capture_output=True, text=True, env=ENV, timeout=600)
    assert broken.returncode == 1
    assert broken.stderr.strip().splitlines()[-1] == "ModuleNotFoundError: No module named 'pkg_resources'"

    code, out, _ = doctor("--python", python)
    assert code == 1
    (problem,) = [l for l in lines(out, "problem") if l.startswith("tensorboard ")]
    assert problem.startswith(
        "tensorboard 2.20.0 imports pkg_resources (tensorboard/data/server_ingester.py:25, "
        "tensorboard/default.py:30: the `tensorboard` command fails), which setuptools 8")
    # TensorFlow 2.21 does not pin TensorBoard: the first release without pkg_resources fits
    fix = problem.rpartition("; fix: ")[2]
    assert fix == f"{python} -m pip install 'tensorboard>=2.21.0'"
    subprocess.run(shlex.split(fix) + ["-q", "--disable-pip-version-check"], check=True,
                   capture_output=True, timeout=600)
    fixed = subprocess.run([tensorboard, "--version_tb"], capture_output=True, text=True, env=ENV, timeout=600)
    assert fixed.returncode == 0 and fixed.stdout.strip().startswith("2.2"), fixed.stderr[-1000:]
    code, out, _ = doctor("--python", python)
    assert [l for l in lines(out, "problem") if l.startswith("tensorboard ")] == []
    assert any(l.startswith("tensorboard 2.2") for l in lines(out, "ok")), out
