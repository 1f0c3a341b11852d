"""Golden fixtures (TorchFix style): x.py -> x.expected, x.in.py -> x.out.py."""

from pathlib import Path

import pytest

from conftest import FIXTURES
from hub_dist_lint.engine import lint
from hub_dist_lint.fixing import fix_source

LINT = sorted((FIXTURES / "lint").glob("*.py"))
FIX = sorted((FIXTURES / "fix").glob("*.in.py"))


def _render(path: Path) -> str:
    return "".join(f"{path.name}:{d.line}:{d.column}: {d.code} {d.message}\n"
                   for d in lint(path.read_bytes(), path.name))


@pytest.mark.parametrize("path", LINT, ids=[p.stem for p in LINT])
def test_lint_golden(path):
    assert _render(path) == path.with_suffix(".expected").read_text("utf-8")


@pytest.mark.parametrize("path", FIX, ids=[p.name[:-6] for p in FIX])
def test_fix_golden(path):
    expected = path.with_name(path.name.replace(".in.py", ".out.py")).read_bytes()
    new, _, _ = fix_source(path.read_bytes(), path.name)
    assert new.decode() == expected.decode()
    # idempotent: the fixed file has nothing left to fix
    assert fix_source(new, path.name)[0] == new


def test_fixed_files_only_keep_findings_without_fix():
    for path in FIX:
        out = path.with_name(path.name.replace(".in.py", ".out.py")).read_bytes()
        _, fixed, _ = fix_source(out, path.name)
        assert fixed == [], path.name
