"""A file's imports read from its `ast` tree: what the import rules decide from.

The import families (HDL1xx, HDL4xx, HDL503) judge an import by its path, its binding and
where it stands; none of that needs a libcst tree, which costs about seven times an
`ast` parse. `scan_imports` lists the imports in the order and with the ordinals of
`imports.collect_imports` (both visit statements as `positions.ast_imports_in_order`
does), so a finding made from the scan is the finding the libcst walk makes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import List, Optional, Union

from .positions import ast_imports_in_order

AstImport = Union[ast.Import, ast.ImportFrom]


@dataclass(frozen=True)
class ScannedImport:
    """One name an import statement brings in, as `ast` shows it (`imports.ImportedName`'s
    fields that findings are decided from)."""

    statement: AstImport
    alias: Optional[ast.alias]  # None for a star import
    path: str  # what is imported: "tensorflow.python.framework.ops"
    bound: Optional[str]  # local name bound; `import a.b` binds "a.b" (root "a")
    ordinal: int  # index of `statement` among all import statements, in file order

    @property
    def is_star(self) -> bool:
        return self.alias is None

    @property
    def is_plain_import(self) -> bool:
        """`import a.b` (not `from a import b`)."""
        return isinstance(self.statement, ast.Import)


def scan_imports(tree: ast.Module) -> List[ScannedImport]:
    """All absolute imports in file order; relative imports are skipped (but counted in
    the ordinals, as `collect_imports` counts them)."""
    found: List[ScannedImport] = []
    for ordinal, statement in enumerate(ast_imports_in_order(tree)):
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                found.append(ScannedImport(statement, alias, alias.name,
                                           alias.asname or alias.name, ordinal))
        elif not statement.level and statement.module is not None:
            base = statement.module
            for alias in statement.names:
                if alias.name == "*":
                    found.append(ScannedImport(statement, None, base, None, ordinal))
                else:
                    found.append(ScannedImport(statement, alias, f"{base}.{alias.name}",
                                               alias.asname or alias.name, ordinal))
    return found
