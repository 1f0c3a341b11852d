"""Fix plans as text edits, for tools that apply edits themselves (JSON, editors)."""

from __future__ import annotations

import difflib
from typing import List, Optional

from .diagnostics import Diagnostic, Fix


def text_edits(old: str, new: str) -> List[dict]:
    """Line-granular replacements turning `old` into `new` (1-based, end exclusive)."""
    a, b = old.splitlines(True), new.splitlines(True)
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        edits.append({"line": i1 + 1, "column": 1, "end_line": i2 + 1, "end_column": 1,
                      "content": "".join(b[j1:j2])})
    return edits


def fixed_code(analysis, fixes: List[Fix]) -> str:
    from .fixing import apply_fixes

    return apply_fixes(analysis.module, fixes).code


def fix_as_json(analysis, diag: Diagnostic) -> Optional[dict]:
    if diag.fix is None:
        return None
    return {"description": diag.fix.description,
            "edits": text_edits(analysis.module.code, fixed_code(analysis, [diag.fix]))}
