"""The values every front end consumes: diagnostics, and the fixes attached to them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, FrozenSet, Optional, Tuple

if TYPE_CHECKING:  # plans hold libcst nodes; reading findings (a cached run) needs no libcst
    import libcst as cst


@dataclass(frozen=True, eq=False)
class Ensure:
    """A statement the fix needs, e.g. `import tensorflow as tf`.

    Put before `anchor` (a statement line), or in its place when the fix empties
    it. Several fixes needing the same statement in one file get one copy: the
    first anchor of each scope, and none in functions after a module-level copy.
    """

    anchor: cst.CSTNode
    statement: str
    scope: cst.CSTNode
    order: Tuple[int, int]  # (top-level statement index, import ordinal)


# How far a fix may be trusted (ruff's applicability levels):
SAFE = "safe"  # proven to keep or repair every program that runs the file: applied unattended
UNSAFE = "unsafe"  # right for how the file is usually run, not for every way: on request only
DISPLAY_ONLY = "display-only"  # shown to a person, never applied
APPLICABILITIES = (SAFE, UNSAFE, DISPLAY_ONLY)


@dataclass(frozen=True, eq=False)
class Fix:
    """A rewrite plan over the parsed module, kept as CST node operations.

    Plans (not text edits) so that several fixes touching one import statement
    compose: `from m import A, B` with both A and B fixed loses the whole line,
    with only A fixed keeps `from m import B`.
    """

    description: str
    # ImportAlias nodes (or whole Import/ImportFrom small statements) to delete.
    remove: Tuple[cst.CSTNode, ...] = ()
    # (original node, replacement node), matched by identity.
    replace: Tuple[Tuple[cst.CSTNode, cst.CSTNode], ...] = ()
    ensure: Tuple[Ensure, ...] = ()
    # (consecutive statements of one body, header expression): put the statements
    # in `with <header>:` where they stand.
    wrap: Tuple[Tuple[Tuple[cst.CSTNode, ...], str], ...] = ()
    # (statements, an adjacent `with` statement, at its start?): move the statements
    # into that block, keeping their order relative to its body.
    merge: Tuple[Tuple[Tuple[cst.CSTNode, ...], cst.CSTNode, bool], ...] = ()
    # Where the plan acts, when its planner knows: the statement lines and compound
    # statements on the way to every node it touches (others need not be visited).
    # None: anywhere.
    within: Optional[FrozenSet[cst.CSTNode]] = None
    applicability: str = SAFE
    # for an unsafe or display-only fix: what it depends on (shown when it is not applied)
    caveat: Optional[str] = None

    def unsafe(self, caveat: str) -> "Fix":
        """This fix, applied only on request (--unsafe-fixes), for the reason given."""
        return replace(self, applicability=UNSAFE, caveat=caveat)


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    line: int  # 1-based
    column: int  # 1-based, in characters
    end_line: int
    end_column: int  # 1-based, exclusive
    fix: Optional[Fix] = field(default=None, compare=False)
    # Why a finding that could have had a fix has none (shown by hub-dist-fix).
    no_fix_reason: Optional[str] = field(default=None, compare=False)
    # Proven from `ast` to have no fix, for a caller that asked for no reasons (the engine
    # then plans nothing for it on a libcst tree); `no_fix_reason` is None.
    fix_settled: bool = field(default=False, compare=False)

    @property
    def sort_key(self):
        return (self.line, self.column, self.code, self.message)


class LintError(Exception):
    """A file that could not be checked: it says where and why in one line."""

    def __init__(self, reason: str, line: Optional[int] = None, column: Optional[int] = None,
                 cell: Optional[int] = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column if line else None  # 1-based, in characters
        self.cell = cell if line else None  # a notebook's cell number; line is in the cell

    @property
    def where(self) -> str:
        """`:line:column`, `:cell N:line:column`, `:line` or nothing, to follow a path."""
        return where(self.line, self.column, self.cell)


def where(line: Optional[int], column: Optional[int] = None, cell: Optional[int] = None) -> str:
    """A position to follow a path: `:line:column` in a file, `:cell N:line:column` in a
    notebook (ruff's form), `:line` without a column, nothing without a line."""
    if not line:
        return ""
    return (f":cell {cell}" if cell is not None else "") + f":{line}" + (f":{column}" if column else "")
