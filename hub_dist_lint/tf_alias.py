"""The name fixes spell public `tf.*` names with, shared by every rule that rewrites."""

from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from .diagnostics import Ensure
from .imports import ImportedName


class TensorflowAlias:
    """Reuse the file's `import tensorflow as X` (or `import tensorflow.compat.v2 as tf`,
    which carries the same names); else `tf`, if nothing in the file uses that name,
    added by `ensure` where a fix needs it."""

    def __init__(self, ctx):
        self.scopes = ctx.scopes()
        self.statement = "import tensorflow as tf"
        self.name, self.top_index = self._choose(ctx)

    def _free(self, name: str) -> bool:
        for scope in set(self.scopes.values()):
            if scope is not None and (name in scope.assignments or name in scope.accesses):
                return False
        return True

    def _choose(self, ctx) -> Tuple[Optional[str], Optional[int]]:
        module = ctx.module
        global_scope = self.scopes[module]
        for imp in ctx.imports:
            site = imp.site
            if (imp.path in ("tensorflow", "tensorflow.compat.v2") and imp.bound
                    and "." not in imp.bound and site.body is module.body and not site.in_try
                    and len(global_scope.assignments[imp.bound]) == 1):
                self.statement = (f"import {imp.path}" if imp.bound == imp.path
                                  else f"import {imp.path} as {imp.bound}")
                return imp.bound, site.top_index
        if self._free("tf"):
            return "tf", None
        return None, None

    def ensure(self, imp: ImportedName) -> Tuple[Ensure, ...]:
        """The import to add before `imp`'s statement, unless the file has it earlier
        (a second copy, when the file's comes later, binds the same module)."""
        if self.top_index is not None and self.top_index < imp.site.top_index:
            return ()
        return (Ensure(imp.site.line, self.statement, imp.site.scope,
                       (imp.site.top_index, imp.ordinal)),)


def bind_statement(name: str, value: str, original=None) -> cst.Assign:
    """`name = value` to stand where an import statement was (keeping its semicolon)."""
    assign = cst.Assign([cst.AssignTarget(cst.Name(name))], cst.parse_expression(value))
    if original is not None:
        assign = assign.with_changes(semicolon=original.semicolon)
    return assign
