import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "examples"


def run_cli(*args, stdin=None, cwd=None, fix=False, env=None):
    """Run the real command line in a subprocess, as a user would."""
    cmd = [sys.executable, "-m", "hub_dist_lint"] + (["fix"] if fix else []) + [str(a) for a in args]
    return subprocess.run(cmd, input=stdin, capture_output=True, cwd=cwd, env=env,
                          timeout=300)


def run_on_terminal(*args, cwd):
    """The CLI with its standard output on a pseudo-terminal, as a person runs it."""
    import os
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "hub_dist_lint", *map(str, args)], cwd=cwd,
                            stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    proc.wait(timeout=300)
    return proc.returncode, b"".join(chunks).decode().replace("\r\n", "\n"), proc.stderr.read().decode()



@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def hub_model(tmp_path_factory):
    """A small SavedModel that hub.KerasLayer loads, made once a session under real
    TensorFlow (tf-marked tests only)."""
    from tf_support import make_hub_model

    return make_hub_model(tmp_path_factory.mktemp("hub") / "model")
