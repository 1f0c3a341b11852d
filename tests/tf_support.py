"""What the TensorFlow-marked tests share: a program run in a fresh interpreter, as a
user runs it, and a small SavedModel for `hub.KerasLayer` to load (made once a session:
the `hub_model` fixture of conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_HUB_MODEL = ROOT / "tests" / "programs" / "make_hub_model.py"

# Keras 3, TensorFlow 2.21's default (a test sets TF_USE_LEGACY_KERAS where it wants
# tf-keras); CPU only, quiet; this tree's hub_dist_lint first on the path; no .pyc written,
# so that a run leaves the program's directory as it was.
ENV = {key: value for key, value in os.environ.items() if key != "TF_USE_LEGACY_KERAS"}
ENV.update(TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", PYTHONDONTWRITEBYTECODE="1",
           PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
LEGACY_ENV = dict(ENV, TF_USE_LEGACY_KERAS="1")


def run_python(*args, cwd=None, env=None, timeout=900, input=None) -> subprocess.CompletedProcess:
    """`python ARGS...` in a fresh interpreter (ENV unless told), its output as text."""
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                          env=ENV if env is None else env, cwd=cwd, timeout=timeout, input=input)


def make_hub_model(path: Path) -> Path:
    """A SavedModel at `path` (a variable and a function), as tests/programs/make_hub_model.py
    writes it under real TensorFlow."""
    made = run_python(MAKE_HUB_MODEL, path)
    assert made.returncode == 0, made.stderr[-2000:]
    return path
