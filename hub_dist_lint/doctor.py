"""`hub-dist-lint doctor [--python PATH]`: does this interpreter run TF-Hub + Keras code?

The interpreter (default: the one running this tool) is inspected by small probe
scripts run in it as subprocesses, so a broken environment cannot break the
tool and the tool's own process never imports TensorFlow:

1. a fact probe: Python version, installed distribution versions and
   TensorFlow's and tf-keras's requirements (importlib.metadata), whether
   ``pkg_resources`` can be found, whether pip may install there (PEP 668), and
   ``TF_USE_LEGACY_KERAS``; it imports nothing heavy;
2. an import probe: ``import tensorflow``, ``import tensorflow_hub`` and
   ``tf.keras``, each step reported as it finishes, so a crash (a signal) or a
   hang is pinned to the step that caused it.

Each finding is one line, with a fix command for every problem; the judging is
a list of named checks (``CHECKS``) over one ``Environment``.
Exit codes: 0 healthy (notes allowed), 1 a problem found, 2 the interpreter
cannot be run (or bad usage).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from .console import OneLineParser, write_stdout

EXIT_HEALTHY, EXIT_PROBLEM, EXIT_CANNOT_RUN = 0, 1, 2
MARK = "HDL-DOCTOR-PROBE "

# Distributions that provide the `tensorflow` package.
TF_DISTS = ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-intel",
            "tensorflow-macos", "tensorflow-aarch64", "tensorflow-cpu-aws", "intel-tensorflow",
            "tf-nightly", "tf-nightly-cpu", "tf-nightly-gpu")
OTHER_DISTS = ("tensorflow-hub", "tf-keras", "keras", "setuptools", "tensorboard")

# Runs in the inspected interpreter: keep it Python-3-only-syntax-light (3.5+)
# and free of heavy imports.
FACT_PROBE = r"""
import json, os, sys
out = {"executable": sys.executable, "version": "%d.%d.%d" % tuple(sys.version_info[:3]),
       "prefix": sys.prefix, "base_prefix": getattr(sys, "base_prefix", sys.prefix),
       "legacy_keras": os.environ.get("TF_USE_LEGACY_KERAS"), "dists": {}, "found": {}}
try:
    from importlib import metadata
except ImportError:
    metadata = None
for name in DISTS:
    version = None
    if metadata is not None:
        try:
            version = metadata.version(name)
        except Exception:
            version = None
    out["dists"][name] = version
tf_dist = next((name for name in TF_NAMES if out["dists"].get(name)), None)
for key, name in (("tf_requires", tf_dist), ("tf_keras_requires", "tf-keras")):
    if metadata is not None and name and out["dists"].get(name):
        try:
            out[key] = list(metadata.requires(name) or [])
        except Exception:
            pass
# PEP 668: pip refuses to install outside a virtual environment when the stdlib
# directory holds EXTERNALLY-MANAGED (unless told to break system packages).
try:
    import sysconfig
    marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
    in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
    broken_ok = os.environ.get("PIP_BREAK_SYSTEM_PACKAGES", "").lower() in ("1", "true", "yes", "on")
    if os.path.isfile(marker) and not in_venv and not broken_ok:
        out["externally_managed"] = marker
except Exception:
    pass
try:
    import importlib.util
    for mod in ("tensorflow", "tensorflow_hub", "tf_keras", "keras", "pkg_resources", "setuptools"):
        try:
            spec = importlib.util.find_spec(mod)
        except Exception:
            spec = None
        out["found"][mod] = bool(spec)
except ImportError:
    pass
sys.stdout.write(MARK + json.dumps(out) + "\n")
""".replace("DISTS", repr(TF_DISTS + OTHER_DISTS)).replace("TF_NAMES", repr(TF_DISTS)).replace(
    "MARK", repr(MARK))

IMPORT_PROBE = r"""
import json, sys, traceback
def emit(**kw):
    sys.stdout.write(MARK + json.dumps(kw) + "\n")
    sys.stdout.flush()
def failed(step, exc):
    lines = traceback.format_exception_only(type(exc), exc)
    last = lines[-1].strip() if lines else type(exc).__name__
    missing = getattr(exc, "name", None) if isinstance(exc, ImportError) else None
    emit(step=step, ok=False, error=last, missing=missing)
emit(step="start", ok=True)
try:
    import tensorflow as tf
except BaseException as exc:
    failed("tensorflow", exc)
    sys.exit(0)
emit(step="tensorflow", ok=True, version=str(getattr(tf, "__version__", "")))
try:
    import tensorflow_hub as hub
except BaseException as exc:
    failed("tensorflow_hub", exc)
else:
    emit(step="tensorflow_hub", ok=True, version=str(getattr(hub, "__version__", "")))
try:
    keras = tf.keras
    version = getattr(keras, "version", None)
    version = version() if callable(version) else getattr(keras, "__version__", None)
    if not version:
        top = sys.modules.get(str(getattr(keras, "__name__", "")).split(".")[0])
        version = getattr(top, "__version__", None)
    emit(step="tf.keras", ok=True, version=version, module=getattr(keras, "__name__", None))
except BaseException as exc:
    failed("tf.keras", exc)
""".replace("MARK", repr(MARK))


class CannotRun(Exception):
    """The interpreter could not be started or did not answer the fact probe."""


@dataclass
class Finding:
    check: str
    status: str            # "ok", "note" or "problem"
    message: str
    fix: Optional[str] = None


# ---------------------------------------------------------------------------
# running probes


def _run(python: str, code: str, timeout: float) -> Tuple[Optional[int], str, str, bool]:
    """(returncode or None on timeout, stdout, stderr, timed_out). Kills only its own child group."""
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.pop("PYTHONSTARTUP", None)
    proc = subprocess.Popen([python, "-c", code], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), False
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
        out, err = proc.communicate()
        return None, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), True


def _records(stdout: str) -> List[dict]:
    out = []
    for line in stdout.splitlines():
        if line.startswith(MARK):
            try:
                out.append(json.loads(line[len(MARK):]))
            except ValueError:
                pass
    return out


def _last_line(text: str) -> str:
    lines = [s.strip() for s in text.strip().splitlines() if s.strip()]
    return lines[-1] if lines else ""


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except (ValueError, AttributeError):
        return f"signal {-code}"


def resolve_python(python: Optional[str]) -> str:
    if python is None:
        return sys.executable
    if os.sep in python or (os.altsep and os.altsep in python):
        path = python
    else:
        path = shutil.which(python)
        if path is None:
            raise CannotRun(f"{python}: not found on PATH")
    if not os.path.exists(path):
        raise CannotRun(f"{path}: no such file")
    if os.path.isdir(path):
        raise CannotRun(f"{path}: is a directory, not an interpreter")
    if not os.access(path, os.X_OK):
        raise CannotRun(f"{path}: not executable")
    return path


def probe_facts(python: str, timeout: float) -> dict:
    try:
        code, out, err, timed_out = _run(python, FACT_PROBE, timeout)
    except OSError as exc:
        raise CannotRun(f"{python}: cannot run it: {exc.strerror or exc}") from None
    if timed_out:
        raise CannotRun(f"{python}: no answer within {timeout:g} s")
    records = _records(out)
    if code != 0 or not records:
        detail = _last_line(err) or _last_line(out) or "no output"
        how = f"exit {code}" if code is not None and code >= 0 else _signal_name(code)
        raise CannotRun(f"{python}: not a working Python 3 interpreter ({how}: {detail})")
    return records[-1]


def probe_imports(python: str, timeout: float) -> dict:
    """{"tensorflow": {...}, "tensorflow_hub": {...}, "tf.keras": {...}, "crash": ...}."""
    code, out, err, timed_out = _run(python, IMPORT_PROBE, timeout)
    steps = {r["step"]: r for r in _records(out)}
    order = ["tensorflow", "tensorflow_hub", "tf.keras"]
    pending = next((s for s in order if s not in steps), None)
    if "tensorflow" in steps and not steps["tensorflow"]["ok"]:
        pending = None  # the probe stops after a failed `import tensorflow`
    if pending is not None and (timed_out or code != 0):
        if timed_out:
            why = f"did not finish within {timeout:g} s"
        elif code is not None and code < 0:
            why = f"crashed the interpreter ({_signal_name(code)})"
        else:
            why = f"ended the interpreter (exit {code}: {_last_line(err) or 'no output'})"
        steps[pending] = {"step": pending, "ok": False, "crash": True,
                          "error": f"{'import ' + pending if pending != 'tf.keras' else 'tf.keras'} {why}"}
    return steps


# ---------------------------------------------------------------------------
# judging


def _major_minor(version: Optional[str]) -> Optional[Tuple[int, int]]:
    m = re.match(r"(\d+)\.(\d+)", version or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def _older(version: Optional[str], than: Tuple[int, int]) -> bool:
    parsed = _major_minor(version)
    return parsed is not None and parsed < than


def _release_text(version: Tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


LEGACY_ON = ("1", "true", "True")  # what TensorFlow's lazy Keras loader reads as set


@dataclass
class Environment:
    """What the two probes found, in the terms the checks use."""

    python: str
    facts: dict
    imports: dict

    def __post_init__(self):
        self.dists = self.facts.get("dists", {})
        self.found = self.facts.get("found", {})
        self.tf_dist = next((d for d in TF_DISTS if self.dists.get(d)), None)
        tf_import = self.imports.get("tensorflow", {})
        self.tf_version = (tf_import.get("version") if tf_import.get("ok")
                           else self.dists.get(self.tf_dist) if self.tf_dist else None)
        self.tf = _major_minor(self.tf_version)
        self.keras3 = self.tf is not None and self.tf >= (2, 16)  # tf.keras is Keras 3 by default
        self.legacy = self.facts.get("legacy_keras")
        self.has_pkg_resources = self.found.get("pkg_resources", True)
        self.externally_managed = self.facts.get("externally_managed")

    def pip(self, *requirements: str) -> str:
        """The command that installs `requirements` for this interpreter. pip refuses an
        externally managed one (PEP 668): then into a new virtual environment."""
        py = shlex.quote(self.python)
        if self.externally_managed:
            return f"{py} -m venv .venv && .venv/bin/python -m pip install {' '.join(requirements)}"
        return f"{py} -m pip install {' '.join(requirements)}"

    def tf_keras_requirement(self) -> str:
        return f"'tf-keras=={_release_text(self.tf)}.*'"


def check_tensorflow(env: Environment, so_far: List[Finding]) -> List[Finding]:
    tf_import = env.imports.get("tensorflow", {})
    if not env.tf_dist and not env.found.get("tensorflow"):
        return [Finding("tensorflow", "problem", "TensorFlow is not installed", env.pip("tensorflow"))]
    if not tf_import.get("ok"):
        error = tf_import.get("error", "the import probe gave no answer")
        prefix = "" if tf_import.get("crash") else "import tensorflow fails: "
        return [Finding("tensorflow", "problem", f"{prefix}{error}",
                        f"{shlex.quote(env.python)} -X faulthandler -c 'import tensorflow'  # full traceback")]
    where = f" (from {env.tf_dist})" if env.tf_dist and env.tf_dist != "tensorflow" else ""
    return [Finding("tensorflow", "ok", f"tensorflow {env.tf_version}{where}")]


def check_keras(env: Environment, so_far: List[Finding]) -> List[Finding]:
    """The package tf.keras comes from on TF 2.6-2.15; Keras 3 on TF >= 2.16."""
    keras_v, tf = env.dists.get("keras"), env.tf
    if tf is None or tf < (2, 6):
        return []
    if env.keras3:
        if not keras_v:
            return [Finding("keras", "problem", f"keras is not installed; TensorFlow {_release_text(tf)} "
                            f"depends on Keras 3", env.pip("'keras>=3'"))]
        if _older(keras_v, (3, 0)):
            return [Finding("keras", "problem", f"keras {keras_v} with TensorFlow {_release_text(tf)}, "
                            f"which needs Keras 3", env.pip("'keras>=3'"))]
        return [Finding("keras", "ok", f"keras {keras_v} (Keras 3)")]
    if not keras_v or _major_minor(keras_v) != tf:
        what = f"keras {keras_v} does not fit" if keras_v else "keras is not installed, needed by"
        return [Finding("keras", "problem", f"{what} TensorFlow {env.tf_version} (tf.keras is keras "
                        f"{_release_text(tf)}.x)", env.pip(f"'keras=={_release_text(tf)}.*'"))]
    return [Finding("keras", "ok", f"keras {keras_v} fits TensorFlow {_release_text(tf)}")]


def check_tf_keras(env: Environment, so_far: List[Finding]) -> List[Finding]:
    """Keras 2 for TF >= 2.16, what hub.KerasLayer is built on there; its minor release
    must be TensorFlow's (tf-keras 2.15 on TF 2.16 fails: keras-team/tf-keras#756)."""
    tfk_v, tf = env.dists.get("tf-keras"), env.tf
    if tf is None:
        return []
    fix = env.pip(env.tf_keras_requirement())
    if tfk_v and _major_minor(tfk_v) != tf:
        wants = [r for r in env.facts.get("tf_keras_requires") or [] if re.match(r"tensorflow\b", r)]
        declared = f": it requires {'; '.join(wants)}" if wants else ""
        return [Finding("tf-keras", "problem", f"tf-keras {tfk_v} does not fit TensorFlow "
                        f"{env.tf_version}{declared} (tf-keras {_release_text(tf)}.x goes with TensorFlow "
                        f"{_release_text(tf)})", fix)]
    if tfk_v:
        return [Finding("tf-keras", "ok", f"tf-keras {tfk_v} fits TensorFlow {_release_text(tf)}")]
    if env.keras3:
        return [Finding("tf-keras", "problem", "tf-keras is not installed: on TensorFlow >= 2.16 "
                        "hub.KerasLayer needs it (tf.keras is Keras 3)", fix)]
    return []


def _pkg_resources_gone(env: Environment) -> str:
    """Why pkg_resources cannot be imported, from the setuptools release."""
    setuptools_v = env.dists.get("setuptools")
    if _major_minor(setuptools_v) and not _older(setuptools_v, (81, 0)):
        return f"which setuptools {setuptools_v} no longer ships (setuptools >= 81 dropped it)"
    if setuptools_v:
        return f"which setuptools {setuptools_v} does not provide here"
    return "and setuptools is not installed"


def check_tensorflow_hub(env: Environment, so_far: List[Finding]) -> List[Finding]:
    hub_v = env.dists.get("tensorflow-hub")
    hub_import = env.imports.get("tensorflow_hub")
    if not (hub_v or env.found.get("tensorflow_hub")):
        return [Finding("tensorflow-hub", "problem", "tensorflow-hub is not installed",
                        env.pip("tensorflow-hub"))]
    out = []
    if env.keras3 and _older(hub_v, (0, 16)):
        out.append(Finding("tensorflow-hub", "problem", f"tensorflow-hub {hub_v} predates Keras 3; "
                           f"TensorFlow {_release_text(env.tf)} needs tensorflow-hub >= 0.16",
                           env.pip("'tensorflow-hub>=0.16.1'")))
    if hub_import is None:
        return out  # `import tensorflow` failed first; that line says why
    if hub_import.get("ok"):
        version = hub_v or hub_import.get("version")
        return out + [Finding("tensorflow-hub", "ok", f"import tensorflow_hub works (tensorflow-hub {version})")]
    error = hub_import.get("error", "unknown error")
    missing = hub_import.get("missing")
    if missing == "pkg_resources" or "pkg_resources" in error:
        return out + [Finding("tensorflow-hub", "problem", f"import tensorflow_hub fails: {error}: "
                              f"tensorflow-hub {hub_v or ''} imports pkg_resources, "
                              f"{_pkg_resources_gone(env)}; pin setuptools<81", env.pip("'setuptools<81'"))]
    if env.tf is not None and (missing == "tf_keras" or _legacy_without_tf_keras(env)):
        fix = env.pip(env.tf_keras_requirement())
    elif missing == "tensorflow":
        fix = env.pip("tensorflow")
    else:
        fix = f"{shlex.quote(env.python)} -c 'import tensorflow_hub'  # full traceback"
    prefix = "" if hub_import.get("crash") else "import tensorflow_hub fails: "
    return out + [Finding("tensorflow-hub", "problem", f"{prefix}{error}", fix)]


def _tensorboard_facts() -> dict:
    path = Path(__file__).resolve().parent / "data" / "tensorboard_facts.json"
    return json.loads(path.read_text("utf-8"))["releases"]


def check_tensorboard(env: Environment, so_far: List[Finding]) -> List[Finding]:
    """TensorBoard 2.0-2.20 import pkg_resources when `tensorboard` starts (from the
    wheels: data/tensorboard_facts.json); setuptools >= 81 does not ship it."""
    version = env.dists.get("tensorboard")
    if not version:
        return []
    releases = _tensorboard_facts()
    on_import = [i["where"] for i in releases.get(version, []) if i["on_import"]]
    if env.has_pkg_resources or not on_import:
        return [Finding("tensorboard", "ok", f"tensorboard {version}")]
    first_free = next((v for v in releases
                       if not releases[v] and _major_minor(v) > _major_minor(version)), None)
    # TensorFlow up to 2.20 pins TensorBoard to its own minor release; 2.21 does not need it.
    pinned = any(r.replace(" ", "").lower().startswith("tensorboard")
                 for r in env.facts.get("tf_requires") or [])
    if first_free and not pinned:
        fix = env.pip(f"'tensorboard>={first_free}'")
    else:
        fix = env.pip("'setuptools<81'")
    return [Finding("tensorboard", "problem",
                    f"tensorboard {version} imports pkg_resources ({', '.join(on_import)}: the "
                    f"`tensorboard` command fails), {_pkg_resources_gone(env)}", fix)]


def check_setuptools(env: Environment, so_far: List[Finding]) -> List[Finding]:
    """(A note: tensorflow-hub 0.16.1 imports pkg_resources.)"""
    setuptools_v = env.dists.get("setuptools")
    if env.has_pkg_resources:
        return [Finding("setuptools", "ok", f"setuptools {setuptools_v} provides pkg_resources")] \
            if setuptools_v else []
    if any(f.check in ("tensorflow-hub", "tensorboard") and "pkg_resources" in f.message for f in so_far):
        return []
    have = f"setuptools {setuptools_v}" if setuptools_v else "no setuptools"
    return [Finding("setuptools", "note", f"pkg_resources cannot be imported ({have}; setuptools >= 81 "
                    f"dropped it); tensorflow-hub 0.16.1 needs it", env.pip("'setuptools<81'"))]


def _legacy_without_tf_keras(env: Environment) -> bool:
    return env.keras3 and env.legacy in LEGACY_ON and not env.dists.get("tf-keras")


def check_legacy_keras(env: Environment, so_far: List[Finding]) -> List[Finding]:
    """TF_USE_LEGACY_KERAS matters only where tf.keras would be Keras 3."""
    if not env.keras3:
        return []
    value = env.legacy
    seen = env.imports.get("tf.keras", {})
    if _legacy_without_tf_keras(env):
        # (the probe's own error is not quoted: TF 2.21's lazy loader raises ImportError on
        # the first access, which `import tensorflow_hub` makes, and RecursionError after)
        effect = "tf.keras fails here" if seen and not seen.get("ok") else "tf.keras cannot load"
        return [Finding("TF_USE_LEGACY_KERAS", "problem",
                        f"TF_USE_LEGACY_KERAS={value} makes tf.keras tf-keras, which is not installed: "
                        f"{effect}", env.pip(env.tf_keras_requirement()))]
    if not env.dists.get("tf-keras"):
        return []
    if value in LEGACY_ON:
        if seen.get("ok") and str(seen.get("version") or "").startswith("3."):
            return [Finding("TF_USE_LEGACY_KERAS", "problem",
                            f"TF_USE_LEGACY_KERAS={value}, yet tf.keras is Keras {seen['version']}",
                            env.pip("--force-reinstall", env.tf_keras_requirement()))]
        version = f" {seen['version']}" if seen.get("version") else ""
        return [Finding("TF_USE_LEGACY_KERAS", "ok", f"TF_USE_LEGACY_KERAS={value}: tf.keras is tf-keras{version}")]
    state = "is not set" if value is None else f"is {value!r}, not 1"
    seen_text = f" (tf.keras is Keras {seen['version']} here)" if seen.get("ok") and seen.get("version") else ""
    return [Finding("TF_USE_LEGACY_KERAS", "note",
                    f"TF_USE_LEGACY_KERAS {state}{seen_text}: a hub.KerasLayer (a tf-keras layer) cannot "
                    f"go into a tf.keras model unless it is 1; programs usually set it themselves "
                    f"before importing tensorflow",
                    "export TF_USE_LEGACY_KERAS=1  # or os.environ['TF_USE_LEGACY_KERAS'] = '1' first thing")]


CHECKS = (check_tensorflow, check_keras, check_tf_keras, check_tensorflow_hub, check_tensorboard,
          check_setuptools, check_legacy_keras)


def check_externally_managed(env: Environment, findings: List[Finding]) -> List[Finding]:
    """A note in front of the fixes that install into a virtual environment (PEP 668)."""
    if not env.externally_managed or not any(f.fix and " -m venv .venv && " in f.fix for f in findings):
        return []
    return [Finding("python", "note",
                    f"{env.python} is externally managed (PEP 668: {env.externally_managed}): pip will "
                    f"not install into it, so the fixes below install into a virtual environment, .venv",
                    f"{shlex.quote(env.python)} -m venv .venv")]


def diagnose(python: str, facts: dict, imports: dict) -> List[Finding]:
    """The findings for one interpreter, from the two probes' answers."""
    env = Environment(python, facts, imports)
    findings: List[Finding] = []
    for check in CHECKS:
        findings.extend(check(env, findings))
    return check_externally_managed(env, findings) + findings


# ---------------------------------------------------------------------------
# command line


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"{value!r}: must be more than 0 seconds")
    return seconds


def lint_target(directory: str = ".") -> str:
    """Which TensorFlow release linting files here is checked against, and why."""
    from . import apimap
    from .config import ConfigError, Resolver

    try:
        config = Resolver(cwd=directory).settings_for_dir(directory).config
    except ConfigError as exc:
        return f"unknown: {exc}"
    legacy = ("; tf.keras is read as tf-keras (legacy-keras: the project runs with "
              "TF_USE_LEGACY_KERAS=1)" if config.legacy_keras else "")
    if config.target_reason:
        return f"linting here checks against {config.target_reason}{legacy}"
    if config.target_tf:
        return (f"linting here checks against TF {config.target_tf} (target-tf in the "
                f"configuration){legacy}")
    return (f"linting here checks against TF {apimap.latest_release()} (the newest release known; "
            f"no target-tf and no TensorFlow requirement in the project's files){legacy}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = OneLineParser(
        prog="hub-dist-lint doctor",
        description="Check that a Python environment can run TensorFlow Hub and Keras code: "
                    "TensorFlow, tensorflow-hub, tf-keras, keras, TensorBoard and setuptools versions and whether "
                    "they fit together. The interpreter is probed in a subprocess.")
    parser.add_argument("--python", metavar="PATH", default=None,
                        help="interpreter to inspect (default: the one running this tool)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--timeout", type=_timeout, default=300.0, metavar="SECONDS",
                        help="per-probe time limit (default 300; importing TensorFlow takes a while)")
    args = parser.parse_args(argv)

    try:
        python = resolve_python(args.python)
        facts = probe_facts(python, args.timeout)
    except CannotRun as exc:
        message = f"cannot inspect {exc}"
        if args.format == "json":
            write_stdout(json.dumps({"python": args.python or sys.executable, "error": message,
                               "exit_code": EXIT_CANNOT_RUN}, indent=2) + "\n")
        print(f"hub-dist-lint doctor: error: {message}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    imports = probe_imports(python, args.timeout)
    findings = diagnose(python, facts, imports)
    problems = sum(f.status == "problem" for f in findings)
    notes = sum(f.status == "note" for f in findings)
    code = EXIT_PROBLEM if problems else EXIT_HEALTHY
    venv = facts.get("prefix") != facts.get("base_prefix")
    if args.format == "json":
        write_stdout(json.dumps({
            "python": python, "python_version": facts.get("version"), "venv": venv,
            "packages": {k: v for k, v in facts.get("dists", {}).items()
                         if v or k in OTHER_DISTS or k == "tensorflow"},
            "pkg_resources": bool(facts.get("found", {}).get("pkg_resources")),
            "externally_managed": facts.get("externally_managed"),
            "TF_USE_LEGACY_KERAS": facts.get("legacy_keras"),
            "lint_target": lint_target(),
            "checks": [asdict(f) for f in findings],
            "problems": problems, "notes": notes, "healthy": not problems, "exit_code": code,
        }, indent=2) + "\n")
        return code
    kind = (", a virtual environment" if venv
            else ", externally managed" if facts.get("externally_managed") else "")
    out = [f"hub-dist-lint doctor: {python} (Python {facts.get('version')}{kind})",
           f"{'target':<8} {lint_target()}"]
    for f in findings:
        fix = f"; fix: {f.fix}" if f.fix and f.status != "ok" else ""
        out.append(f"{f.status:<8} {f.message}{fix}")
    verdict = "healthy" if not problems else f"{problems} problem{'s' if problems != 1 else ''}"
    out.append(f"result: {verdict}" + (f" ({notes} note{'s' if notes != 1 else ''})" if notes else ""))
    write_stdout("\n".join(out) + "\n")
    return code
