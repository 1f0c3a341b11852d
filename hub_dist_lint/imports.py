"""Statement-level import tracking.

Imports only ever sit in statements, so we walk statement bodies (module,
functions, classes, if/try/with/for/while/match blocks) and never descend
into expressions. On large trees this costs next to nothing compared with the
parse, where a full CST visitor costs about as much again as the parse itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import libcst as cst

ImportStmt = Union[cst.Import, cst.ImportFrom]


def dotted_name(node: cst.CSTNode) -> Optional[str]:
    """`a.b.c` for a pure Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


class OutsideImports(cst.CSTVisitor):
    """An expression walk that does not enter import statements: what they bind is
    this module's business (`collect_imports`), paths resolved."""

    def visit_Import(self, node) -> bool:
        return False

    def visit_ImportFrom(self, node) -> bool:
        return False


@dataclass(frozen=True)
class StatementSite:
    """Where a statement line sits: its enclosing scope and block."""

    line: cst.SimpleStatementLine
    scope: cst.CSTNode  # Module, FunctionDef or ClassDef that owns the binding
    body: Sequence[cst.CSTNode]  # the statement list holding `line`
    index: int  # position of `line` in `body`
    in_try: bool  # guarded by a try: block (fallback imports)
    top_index: int  # index in module.body of the top-level statement holding `line`


@dataclass(frozen=True)
class ImportedName:
    """One name an import statement brings in."""

    statement: ImportStmt
    alias: Optional[cst.ImportAlias]  # None for a star import
    path: str  # what is imported: "tensorflow.python.framework.ops"
    bound: Optional[str]  # local name bound; `import a.b` binds "a.b" (root "a")
    site: StatementSite
    ordinal: int  # index of `statement` among all import statements, in file order

    @property
    def is_star(self) -> bool:
        return self.alias is None

    @property
    def is_plain_import(self) -> bool:
        """`import a.b` (not `from a import b`)."""
        return isinstance(self.statement, cst.Import)


def iter_statement_lines(
    module: cst.Module,
) -> Iterator[StatementSite]:
    """Every simple statement line in file order, with its scope and block."""

    def walk(body, scope, in_try, top=None):
        for index, stmt in enumerate(body):
            top_index = index if top is None else top
            if isinstance(stmt, cst.SimpleStatementLine):
                yield StatementSite(stmt, scope, body, index, in_try, top_index)
                continue
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                yield from walk_suite(stmt.body, stmt, in_try, top_index)
            elif isinstance(stmt, (cst.Try, cst.TryStar)):
                yield from walk_suite(stmt.body, scope, True, top_index)
                for handler in stmt.handlers:
                    yield from walk_suite(handler.body, scope, in_try, top_index)
                if stmt.orelse:
                    yield from walk_suite(stmt.orelse.body, scope, in_try, top_index)
                if stmt.finalbody:
                    yield from walk_suite(stmt.finalbody.body, scope, in_try, top_index)
            elif isinstance(stmt, cst.If):
                node = stmt
                while isinstance(node, cst.If):
                    yield from walk_suite(node.body, scope, in_try, top_index)
                    node = node.orelse
                if node is not None:
                    yield from walk_suite(node.body, scope, in_try, top_index)
            elif isinstance(stmt, cst.Match):
                for case in stmt.cases:
                    yield from walk_suite(case.body, scope, in_try, top_index)
            elif isinstance(stmt, (cst.With, cst.For, cst.While)):
                yield from walk_suite(stmt.body, scope, in_try, top_index)
                orelse = getattr(stmt, "orelse", None)
                if orelse is not None:
                    yield from walk_suite(orelse.body, scope, in_try, top_index)

    def walk_suite(suite, scope, in_try, top_index):
        if isinstance(suite, cst.IndentedBlock):
            yield from walk(suite.body, scope, in_try, top_index)
        else:  # SimpleStatementSuite: `if x: import y`
            yield StatementSite(suite, scope, (suite,), 0, in_try, top_index)  # type: ignore[arg-type]

    yield from walk(module.body, module, False)


def module_path(node: cst.ImportFrom) -> Optional[str]:
    if node.relative or node.module is None:
        return None
    return dotted_name(node.module)


def collect_imports(module: cst.Module) -> List[ImportedName]:
    """All absolute imports in file order; relative imports are skipped."""
    found: List[ImportedName] = []
    ordinal = 0
    for site in iter_statement_lines(module):
        for small in site.line.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    path = dotted_name(alias.name)
                    bound = alias.asname.name.value if alias.asname else path  # type: ignore[union-attr]
                    found.append(ImportedName(small, alias, path, bound, site, ordinal))
                ordinal += 1
            elif isinstance(small, cst.ImportFrom):
                base = module_path(small)
                if base is not None:
                    if isinstance(small.names, cst.ImportStar):
                        found.append(ImportedName(small, None, base, None, site, ordinal))
                    else:
                        for alias in small.names:
                            name = dotted_name(alias.name)
                            bound = alias.asname.name.value if alias.asname else name  # type: ignore[union-attr]
                            found.append(
                                ImportedName(small, alias, f"{base}.{name}", bound, site, ordinal)
                            )
                ordinal += 1
    return found


def import_statements_in_order(module: cst.Module) -> List[Tuple[ImportStmt, StatementSite]]:
    """Every import statement (relative ones too), in file order."""
    return [
        (small, site)
        for site in iter_statement_lines(module)
        for small in site.line.body
        if isinstance(small, (cst.Import, cst.ImportFrom))
    ]
