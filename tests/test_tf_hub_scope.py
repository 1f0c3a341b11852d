"""HDL2xx end to end: real TF 2.21 + tensorflow-hub + tf-keras on 2 logical CPUs, no network."""

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from tf_support import run_python

pytestmark = pytest.mark.tf
pytest.importorskip("tensorflow")
pytest.importorskip("tensorflow_hub")

PROGRAMS = Path(__file__).resolve().parent / "programs"


def test_unfixed_program_fails_fixed_program_trains_mirrored(tmp_path, hub_model):
    program = tmp_path / "train.py"
    shutil.copy(PROGRAMS / "train_hub_mirrored.py", program)

    lint = run_cli(program)
    codes = [line.split()[1] for line in lint.stdout.decode().splitlines()]
    assert codes == ["HDL202", "HDL201"], lint.stdout

    before = run_python(program, hub_model)
    assert before.returncode != 0
    assert "was not created in the distribution strategy scope" in before.stderr

    fixed = run_cli(program, fix=True)
    assert fixed.returncode == 1 and "fixed 2 finding(s)" in fixed.stderr.decode()
    assert run_cli(program).returncode == 0  # nothing left to report

    after = run_python(program, hub_model)
    assert after.returncode == 0, after.stderr[-3000:]
    assert "variables: ['MirroredVariable', 'MirroredVariable']" in after.stdout


def test_seed_examples_2_and_3_are_clean_for_hub_scope():
    result = run_cli(ROOT / "examples" / "seed_example2.py", ROOT / "examples" / "seed_example3.py",
                     "--select", "HDL2")
    assert (result.returncode, result.stdout) == (0, b"")
