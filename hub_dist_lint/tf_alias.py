"""The name fixes spell public `tf.*` names with, shared by every rule that rewrites."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Tuple

import libcst as cst

from .diagnostics import Ensure
from .imports import ImportedName

if TYPE_CHECKING:
    from .checking import LintContext

PACKAGE = "tensorflow"
FREE_NAMES = ("tf", PACKAGE, "tf_")  # tried in this order when nothing can be reused


class TensorflowAlias:
    """The name a fix spells `tf.*` names with, and the import that binds it.

    Reused, in this order: the file's `import tensorflow as X` (or `import
    tensorflow.compat.v2 as X`, which carries the same names); the name `tensorflow`
    where every binding of it is an `import tensorflow[.sub...]` (each binds the
    package). Else the first name of FREE_NAMES no scope uses, its import added by
    `ensure` where a fix needs it. Only unguarded module-level imports count (not in
    `try:`)."""

    def __init__(self, ctx: "LintContext"):
        self.uses = ctx.import_uses()
        self.statement = "import tensorflow as tf"
        self.name, self.top_index = self._choose(ctx) if self.uses else (None, None)

    def _package_only(self, name: str) -> bool:
        """Every binding of `name`, in every scope, is `import tensorflow[.sub]` (no `as`)."""
        return self.uses.bindings.bound_only_by_imports(name, lambda alias: alias.asname is None and (
            alias.name == PACKAGE or alias.name.startswith(PACKAGE + ".")))

    def _choose(self, ctx: "LintContext") -> Tuple[Optional[str], Optional[int]]:
        module = ctx.module
        module_bindings = self.uses.bindings.module.bindings
        unguarded = [imp for imp in ctx.imports
                     if imp.site.body is module.body and not imp.site.in_try]
        for imp in unguarded:
            if (imp.path in ("tensorflow", "tensorflow.compat.v2") and imp.bound
                    and "." not in imp.bound
                    and len(module_bindings.get(imp.bound, ())) == 1):
                self.statement = (f"import {imp.path}" if imp.bound == imp.path
                                  else f"import {imp.path} as {imp.bound}")
                return imp.bound, imp.site.top_index
        binding = [imp for imp in unguarded if isinstance(imp.statement, cst.Import)
                   and imp.alias.asname is None and imp.path.startswith(PACKAGE + ".")]
        if binding and self._package_only(PACKAGE):
            self.statement = f"import {PACKAGE}"
            return PACKAGE, binding[0].site.top_index
        for name in FREE_NAMES:
            if self.uses.bindings.is_free(name):
                self.statement = f"import {PACKAGE}" if name == PACKAGE else \
                    f"import {PACKAGE} as {name}"
                return name, None
        return None, None

    def shadowed_at(self, imp: ImportedName) -> bool:
        """A scope other than the module's binds the name where `imp`'s statement stands."""
        scope = self.uses.scope_of(imp) if self.uses else None
        return scope is not None and scope.kind != "module" and \
            self.name is not None and self.name in scope.bindings

    def ensure(self, imp: ImportedName) -> Tuple[Ensure, ...]:
        """The import to add before `imp`'s statement, unless the file has it earlier
        (a second copy, when the file's comes later, binds the same module)."""
        if self.top_index is not None and self.top_index < imp.site.top_index:
            return ()
        return (Ensure(imp.site.line, self.statement, imp.site.scope,
                       (imp.site.top_index, imp.ordinal)),)

    def bound_before(self, imp: ImportedName) -> bool:
        """The file binds the name at module level, unguarded, before `imp`'s statement."""
        return self.top_index is not None and self.top_index < imp.site.top_index


def bind_statement(name: str, value: str, original=None) -> cst.Assign:
    """`name = value` to stand where an import statement was (keeping its semicolon)."""
    assign = cst.Assign([cst.AssignTarget(cst.Name(name))], cst.parse_expression(value))
    if original is not None:
        assign = assign.with_changes(semicolon=original.semicolon)
    return assign
