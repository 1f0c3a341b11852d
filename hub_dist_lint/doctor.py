"""`hub-dist-lint doctor [--python PATH]`: does this interpreter run TF-Hub + Keras code?

The interpreter (default: the one running this tool) is inspected by small probe
scripts run in it as subprocesses, so a broken environment cannot break the
tool and the tool's own process never imports TensorFlow:

1. a fact probe: Python version, installed distribution versions
   (importlib.metadata), whether ``pkg_resources`` can be found, and
   ``TF_USE_LEGACY_KERAS``; it imports nothing heavy;
2. an import probe: ``import tensorflow``, ``import tensorflow_hub`` and
   ``tf.keras``, each step reported as it finishes, so a crash (a signal) or a
   hang is pinned to the step that caused it.

Each finding is one line, with a fix command for every problem.
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
from typing import List, Optional, Sequence, Tuple

EXIT_HEALTHY, EXIT_PROBLEM, EXIT_CANNOT_RUN = 0, 1, 2
MARK = "HDL-DOCTOR-PROBE "

# Distributions that provide the `tensorflow` package.
TF_DISTS = ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-intel",
            "tensorflow-macos", "tensorflow-aarch64", "tensorflow-cpu-aws", "intel-tensorflow",
            "tf-nightly", "tf-nightly-cpu", "tf-nightly-gpu")
OTHER_DISTS = ("tensorflow-hub", "tf-keras", "keras", "setuptools")

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
""".replace("DISTS", repr(TF_DISTS + OTHER_DISTS)).replace("MARK", repr(MARK))

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


def _vt(version: Optional[str]) -> Optional[Tuple[int, int]]:
    m = re.match(r"(\d+)\.(\d+)", version or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def _older(version: Optional[str], than: Tuple[int, int]) -> bool:
    parsed = _vt(version)
    return parsed is not None and parsed < than


def _mm(version: Tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def diagnose(python: str, facts: dict, imports: dict) -> List[Finding]:
    """The findings for one interpreter, from the two probes' answers."""
    dists = facts.get("dists", {})
    found = facts.get("found", {})
    py = shlex.quote(python)
    pip = f"{py} -m pip install"
    out: List[Finding] = []

    # -- TensorFlow
    tf_dist = next((d for d in TF_DISTS if dists.get(d)), None)
    tf_import = imports.get("tensorflow", {})
    tf_version = tf_import.get("version") if tf_import.get("ok") else (dists.get(tf_dist) if tf_dist else None)
    tf = _vt(tf_version)
    if not tf_dist and not found.get("tensorflow"):
        out.append(Finding("tensorflow", "problem", "TensorFlow is not installed",
                           f"{pip} tensorflow"))
    elif not tf_import.get("ok"):
        error = tf_import.get("error", "the import probe gave no answer")
        prefix = "" if tf_import.get("crash") else "import tensorflow fails: "
        out.append(Finding("tensorflow", "problem", f"{prefix}{error}",
                           f"{py} -X faulthandler -c 'import tensorflow'  # full traceback"))
    else:
        where = f" (from {tf_dist})" if tf_dist and tf_dist != "tensorflow" else ""
        out.append(Finding("tensorflow", "ok", f"tensorflow {tf_version}{where}"))
    legacy_needed = tf is not None and tf >= (2, 16)

    # -- keras (the package tf.keras comes from on TF 2.6-2.15, Keras 3 on TF >= 2.16)
    keras_v = dists.get("keras")
    if tf is not None:
        if tf >= (2, 16):
            if not keras_v:
                out.append(Finding("keras", "problem",
                                   f"keras is not installed; TensorFlow {_mm(tf)} depends on Keras 3",
                                   f"{pip} 'keras>=3'"))
            elif _older(keras_v, (3, 0)):
                out.append(Finding("keras", "problem",
                                   f"keras {keras_v} with TensorFlow {_mm(tf)}, which needs Keras 3",
                                   f"{pip} 'keras>=3'"))
            else:
                out.append(Finding("keras", "ok", f"keras {keras_v} (Keras 3)"))
        elif tf >= (2, 6):
            if not keras_v or _vt(keras_v) != tf:
                what = f"keras {keras_v} does not fit" if keras_v else "keras is not installed, needed by"
                out.append(Finding("keras", "problem",
                                   f"{what} TensorFlow {tf_version} (tf.keras is keras {_mm(tf)}.x)",
                                   f"{pip} 'keras=={_mm(tf)}.*'"))
            else:
                out.append(Finding("keras", "ok", f"keras {keras_v} fits TensorFlow {_mm(tf)}"))

    # -- tf-keras (Keras 2 for TF >= 2.16; what hub.KerasLayer is built on there)
    tfk_v = dists.get("tf-keras")
    if tf is not None:
        tfk_fix = f"{pip} 'tf-keras=={_mm(tf)}.*'"
        if tfk_v and _vt(tfk_v) != tf:
            out.append(Finding("tf-keras", "problem",
                               f"tf-keras {tfk_v} does not fit TensorFlow {tf_version} "
                               f"(tf-keras {_mm(tf)}.x goes with TensorFlow {_mm(tf)})", tfk_fix))
        elif tfk_v:
            out.append(Finding("tf-keras", "ok", f"tf-keras {tfk_v} fits TensorFlow {_mm(tf)}"))
        elif legacy_needed:
            out.append(Finding("tf-keras", "problem",
                               "tf-keras is not installed: on TensorFlow >= 2.16 hub.KerasLayer "
                               "needs it (tf.keras is Keras 3)", tfk_fix))

    # -- tensorflow-hub: installed, version, and whether it imports
    hub_v = dists.get("tensorflow-hub")
    hub_import = imports.get("tensorflow_hub")
    hub_installed = bool(hub_v or found.get("tensorflow_hub"))
    setuptools_v = dists.get("setuptools")
    has_pkg_resources = found.get("pkg_resources", True)
    if not hub_installed:
        out.append(Finding("tensorflow-hub", "problem", "tensorflow-hub is not installed",
                           f"{pip} tensorflow-hub"))
    else:
        if legacy_needed and _older(hub_v, (0, 16)):
            out.append(Finding("tensorflow-hub", "problem",
                               f"tensorflow-hub {hub_v} predates Keras 3; TensorFlow {_mm(tf)} "
                               f"needs tensorflow-hub >= 0.16", f"{pip} 'tensorflow-hub>=0.16.1'"))
        if hub_import is None:
            pass  # `import tensorflow` failed first; that line says why
        elif hub_import.get("ok"):
            out.append(Finding("tensorflow-hub", "ok",
                               f"import tensorflow_hub works (tensorflow-hub {hub_v or hub_import.get('version')})"))
        elif hub_import.get("missing") == "pkg_resources" or "pkg_resources" in hub_import.get("error", ""):
            have = (f"which setuptools {setuptools_v} no longer ships (setuptools >= 81 dropped it)"
                    if not _older(setuptools_v, (81, 0)) and _vt(setuptools_v)
                    else f"which setuptools {setuptools_v} does not provide here" if setuptools_v
                    else "and setuptools is not installed")
            out.append(Finding("tensorflow-hub", "problem",
                               f"import tensorflow_hub fails: {hub_import['error']}: tensorflow-hub "
                               f"{hub_v or ''} imports pkg_resources, {have}; pin setuptools<81",
                               f"{pip} 'setuptools<81'"))
        else:
            error = hub_import.get("error", "unknown error")
            missing = hub_import.get("missing")
            if missing == "tf_keras" and tf is not None:
                fix = f"{pip} 'tf-keras=={_mm(tf)}.*'"
            elif missing == "tensorflow":
                fix = f"{pip} tensorflow"
            else:
                fix = f"{py} -c 'import tensorflow_hub'  # full traceback"
            prefix = "" if hub_import.get("crash") else "import tensorflow_hub fails: "
            out.append(Finding("tensorflow-hub", "problem", f"{prefix}{error}", fix))

    # -- setuptools / pkg_resources (tensorflow-hub 0.16.1 imports pkg_resources)
    hub_blames_pkg = any(f.check == "tensorflow-hub" and "pkg_resources" in f.message for f in out)
    if has_pkg_resources:
        if setuptools_v:
            out.append(Finding("setuptools", "ok", f"setuptools {setuptools_v} provides pkg_resources"))
    elif not hub_blames_pkg:
        have = f"setuptools {setuptools_v}" if setuptools_v else "no setuptools"
        out.append(Finding("setuptools", "note",
                           f"pkg_resources cannot be imported ({have}; setuptools >= 81 dropped it); "
                           f"tensorflow-hub 0.16.1 needs it", f"{pip} 'setuptools<81'"))

    # -- TF_USE_LEGACY_KERAS (only matters where tf.keras would be Keras 3)
    if legacy_needed and tfk_v:
        value = facts.get("legacy_keras")
        seen = imports.get("tf.keras", {})
        seen_text = f" (tf.keras is Keras {seen['version']} here)" if seen.get("ok") and seen.get("version") else ""
        if value in ("1", "true", "True"):
            if seen.get("ok") and str(seen.get("version") or "").startswith("3."):
                out.append(Finding("TF_USE_LEGACY_KERAS", "problem",
                                   f"TF_USE_LEGACY_KERAS={value}, yet tf.keras is Keras {seen['version']}",
                                   f"{pip} --force-reinstall 'tf-keras=={_mm(tf)}.*'"))
            else:
                out.append(Finding("TF_USE_LEGACY_KERAS", "ok",
                                   f"TF_USE_LEGACY_KERAS={value}: tf.keras is tf-keras"
                                   + (f" {seen['version']}" if seen.get("version") else "")))
        else:
            state = "is not set" if value is None else f"is {value!r}, not 1"
            out.append(Finding(
                "TF_USE_LEGACY_KERAS", "note",
                f"TF_USE_LEGACY_KERAS {state}{seen_text}: a hub.KerasLayer (a tf-keras layer) cannot "
                f"go into a tf.keras model unless it is 1; programs usually set it themselves "
                f"before importing tensorflow",
                "export TF_USE_LEGACY_KERAS=1  # or os.environ['TF_USE_LEGACY_KERAS'] = '1' first thing"))
    return out


# ---------------------------------------------------------------------------
# command line


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(EXIT_CANNOT_RUN, f"{self.prog}: error: {message} (see --help)\n")


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"{value!r}: must be more than 0 seconds")
    return seconds


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _Parser(
        prog="hub-dist-lint doctor",
        description="Check that a Python environment can run TensorFlow Hub and Keras code: "
                    "TensorFlow, tensorflow-hub, tf-keras, keras and setuptools versions and whether "
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
            _write(json.dumps({"python": args.python or sys.executable, "error": message,
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
        _write(json.dumps({
            "python": python, "python_version": facts.get("version"), "venv": venv,
            "packages": {k: v for k, v in facts.get("dists", {}).items()
                         if v or k in OTHER_DISTS or k == "tensorflow"},
            "pkg_resources": bool(facts.get("found", {}).get("pkg_resources")),
            "TF_USE_LEGACY_KERAS": facts.get("legacy_keras"),
            "checks": [asdict(f) for f in findings],
            "problems": problems, "notes": notes, "healthy": not problems, "exit_code": code,
        }, indent=2) + "\n")
        return code
    out = [f"hub-dist-lint doctor: {python} (Python {facts.get('version')}"
           f"{', a virtual environment' if venv else ''})"]
    for f in findings:
        fix = f"; fix: {f.fix}" if f.fix and f.status != "ok" else ""
        out.append(f"{f.status:<8} {f.message}{fix}")
    verdict = "healthy" if not problems else f"{problems} problem{'s' if problems != 1 else ''}"
    out.append(f"result: {verdict}" + (f" ({notes} note{'s' if notes != 1 else ''})" if notes else ""))
    _write("\n".join(out) + "\n")
    return code


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `doctor | head`: the reader left; the exit code still counts
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
