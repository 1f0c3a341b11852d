"""Regenerate the golden fixtures for review: `python3 scripts/update_goldens.py`.

Writes tests/fixtures/lint/*.expected and tests/fixtures/fix/*.out.py from what the
engine gives now; review the change with `git diff tests/fixtures` before committing.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from goldens import (expected_path, fixed_output, lint_output, lint_fixtures, fix_fixtures,  # noqa: E402
                     out_path)


def main() -> int:
    changed = 0
    for path in lint_fixtures():
        expected = expected_path(path)
        new = lint_output(path)
        if not expected.exists() or expected.read_text("utf-8") != new:
            expected.write_text(new, "utf-8")
            changed += 1
            print(f"updated {expected.relative_to(ROOT)}")
    for path in fix_fixtures():
        out = out_path(path)
        new = fixed_output(path)
        if not out.exists() or out.read_bytes() != new:
            out.write_bytes(new)
            changed += 1
            print(f"updated {out.relative_to(ROOT)}")
    print(f"{changed} golden file(s) updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
