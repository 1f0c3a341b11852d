"""The fixer over the whole installed tf_keras tree (586 files): every file it writes
re-parses, a second run changes nothing, and bytes it does not mean to change stay."""

import os
import shutil
import stat
from pathlib import Path

import pytest

from conftest import run_cli

pytestmark = pytest.mark.tf
tf_keras = pytest.importorskip("tf_keras")


def test_fix_whole_tf_keras_tree(tmp_path):
    source = Path(tf_keras.__file__).parent
    tree = shutil.copytree(source, tmp_path / "tf_keras", ignore=shutil.ignore_patterns("__pycache__"))
    files = sorted(tree.rglob("*.py"))
    before = {p: p.read_bytes() for p in files}
    os.chmod(files[0], 0o600)

    first = run_cli(tree, fix=True)
    assert first.returncode == 1, first.stderr[-2000:]
    changed = [p for p in files if p.read_bytes() != before[p]]
    assert len(changed) > 20
    for path in changed:
        new = path.read_bytes()
        compile(new, str(path), "exec", dont_inherit=True)
        assert new.count(b"\r\n") == before[path].count(b"\r\n")  # line endings kept
        assert new.startswith(b"\xef\xbb\xbf") == before[path].startswith(b"\xef\xbb\xbf")
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600

    second = run_cli("--check", tree, fix=True)
    assert b"would fix" not in second.stdout  # idempotent: only unfixable findings remain
    assert all(p.read_bytes() == q for p, q in ((p, p.read_bytes()) for p in files))
