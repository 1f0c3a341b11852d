"""What a rule is: a code, its documentation, and examples the test suite runs.

A rule family (one module under rules/) owns a `Checker` that reports for
several related codes from one analysis; each code is a small `Rule` class that
carries its documentation and inline VALID/INVALID examples (Fixit style).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Optional, Tuple

from ..checking import Checker, Gate


@dataclass(frozen=True)
class Invalid:
    """Code that must produce the rule's code; `fixed` is what hub-dist-fix makes of it."""

    code: str
    fixed: Optional[str] = None
    # the fix is unsafe: hub-dist-fix applies it with --unsafe-fixes only
    unsafe: bool = False


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]  # kebab-case
    summary: ClassVar[str]  # one line
    explanation: ClassVar[str]  # markdown: what it finds, why it matters
    fix_availability: ClassVar[str] = "never"  # "always", "sometimes" or "never"
    fix_summary: ClassVar[str] = ""  # what the fix does, one line (hub-dist-fix --help)
    # When its fix is unsafe (applied with --unsafe-fixes only), one clause; "": always safe
    unsafe_when: ClassVar[str] = ""
    # Off by default: enabled only by its full code (`extend-select = ["HDL105"]`).
    opt_in: ClassVar[bool] = False
    # Reports imports, and so not deliberate ones (analysis/deliberate_imports.py): the docs say so
    reports_imports: ClassVar[bool] = False
    VALID: ClassVar[Tuple[str, ...]] = ()
    INVALID: ClassVar[Tuple[Invalid, ...]] = ()


__all__ = ["Checker", "Gate", "Invalid", "Rule"]
