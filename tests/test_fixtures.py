"""Golden fixtures (TorchFix style): x.py -> x.expected, x.in.py -> x.out.py.

Regenerate for review with `python3 scripts/update_goldens.py`.
"""

import pytest

from goldens import (expected_path, fix_bytes, fix_fixtures, fixed_output, lint_fixtures,
                     lint_output, out_path, settings)

LINT = lint_fixtures()
FIX = fix_fixtures()


def _id(path):
    return f"{path.parent.parent.name}/{path.name}"


@pytest.mark.parametrize("path", LINT, ids=[_id(p) for p in LINT])
def test_lint_golden(path):
    assert lint_output(path) == expected_path(path).read_text("utf-8")


@pytest.mark.parametrize("path", FIX, ids=[_id(p) for p in FIX])
def test_fix_golden(path):
    expected = out_path(path).read_bytes()
    new = fixed_output(path)
    assert new.decode() == expected.decode()
    # idempotent: the fixed file has nothing left to fix
    assert fix_bytes(new, path.name, settings(path))[0] == new


def test_fixed_files_only_keep_findings_without_fix():
    for path in FIX:
        out = out_path(path).read_bytes()
        _, fixed, _ = fix_bytes(out, path.name, settings(path))
        assert fixed == [], path.name
