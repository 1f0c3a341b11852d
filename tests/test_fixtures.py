"""Golden fixtures (TorchFix style): x.py -> x.expected, x.in.py -> x.out.py.

Regenerate for review with `python3 scripts/update_goldens.py`.
"""

import pytest

from goldens import fix_fixtures, fixed_output, lint_fixtures, lint_output, settings
from hub_dist_lint.fixing import fix_source

LINT = lint_fixtures()
FIX = fix_fixtures()


def _id(path):
    return f"{path.parent.parent.name}/{path.name}"


@pytest.mark.parametrize("path", LINT, ids=[_id(p) for p in LINT])
def test_lint_golden(path):
    assert lint_output(path) == path.with_suffix(".expected").read_text("utf-8")


@pytest.mark.parametrize("path", FIX, ids=[_id(p) for p in FIX])
def test_fix_golden(path):
    expected = path.with_name(path.name.replace(".in.py", ".out.py")).read_bytes()
    new = fixed_output(path)
    assert new.decode() == expected.decode()
    # idempotent: the fixed file has nothing left to fix
    assert fix_source(new, path.name, settings(path))[0] == new


def test_fixed_files_only_keep_findings_without_fix():
    for path in FIX:
        out = path.with_name(path.name.replace(".in.py", ".out.py")).read_bytes()
        _, fixed, _ = fix_source(out, path.name, settings(path))
        assert fixed == [], path.name
