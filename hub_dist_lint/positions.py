"""Line/column for CST nodes without libcst's PositionProvider.

PositionProvider re-generates the whole file with position tracking (about
4x a parse). `ast.parse` costs about 0.15x a parse and carries positions, so
we parse with `ast` once, only when a file has something to report, and pair
its nodes with the CST's by their order in the file: both trees list import
statements (and calls) in the same source order.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from .ast_nodes import all_nodes, parse_quietly
from .cst_walk import walk
from .imports import OutsideImports

Span = Tuple[int, int, int, int]  # line, column, end line, end column; 1-based, end exclusive


def statement_bodies(node: ast.AST):
    """The statement lists an `ast` statement holds, in the CST walk's order: body, except
    handlers, else, finally, match cases."""
    body = getattr(node, "body", None)
    if isinstance(body, list):
        yield body
    for handler in getattr(node, "handlers", ()) or ():
        yield handler.body
    for name in ("orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list):
            yield value
    for case in getattr(node, "cases", ()) or ():
        yield case.body


def ast_imports_in_order(tree: ast.Module) -> List[ast.stmt]:
    """Import statements in the order `imports.iter_statement_lines` visits them."""
    out: List[ast.stmt] = []

    def walk(body):
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                out.append(stmt)
            elif isinstance(stmt, ast.If):
                # CST visits elif chains as nested Ifs too; same order.
                walk(stmt.body)
                walk(stmt.orelse)
            else:
                for inner in statement_bodies(stmt):
                    walk(inner)

    walk(tree.body)
    return out


def statement_units(body: Sequence[cst.CSTNode]) -> List[Tuple[cst.CSTNode, Optional[cst.CSTNode]]]:
    """A CST statement list as `ast` lists it, one entry per small statement: (statement,
    the SimpleStatementLine holding it, or None for a compound statement)."""
    out: List[Tuple[cst.CSTNode, Optional[cst.CSTNode]]] = []
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            out.extend((small, statement) for small in statement.body)
        else:
            out.append((statement, None))
    return out


class Locator:
    """Maps CST nodes of one file to source spans, lazily."""

    def __init__(self, text: str, module: cst.Module, tree: Optional[ast.Module] = None):
        self._text = text
        self._module = module
        self._tree = tree
        self._lines: Optional[List[str]] = None
        self._import_spans: Optional[List[Span]] = None
        self._ast_imports: Optional[List[ast.stmt]] = None
        self._ordered: Dict[type, List[Span]] = {}  # ast node type -> spans in source order
        self._fallback: Optional[Dict[cst.CSTNode, Span]] = None
        self._cst_order: Optional[Dict[type, Dict[cst.CSTNode, int]]] = None

    def parsed_tree(self) -> Optional[ast.Module]:
        """The `ast` tree if something already asked for it (never parses)."""
        return self._tree

    def ast_tree(self) -> Optional[ast.Module]:
        """The file's `ast` tree (parsed once, shared with the span look-ups), or None."""
        return self._ast()

    def _ast(self) -> Optional[ast.Module]:
        if self._tree is None:
            self._tree = parse_quietly(self._text)  # None: grammar newer than this Python
        return self._tree

    def _char_col(self, line: int, byte_col: int) -> int:
        if self._lines is None:
            self._lines = self._text.splitlines(True)
        text = self._lines[line - 1] if line - 1 < len(self._lines) else ""
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def span_of_ast(self, node: ast.AST) -> Span:
        return (
            node.lineno,
            self._char_col(node.lineno, node.col_offset) + 1,
            node.end_lineno or node.lineno,
            self._char_col(node.end_lineno or node.lineno, node.end_col_offset or 0) + 1,
        )

    def import_span(self, statement: cst.CSTNode, ordinal: int, expected: Sequence) -> Span:
        """Span of the `ordinal`-th import statement of the file.

        `expected` is the file's list of CST import statements, used to check the
        pairing; a mismatch (which would be a bug) falls back to PositionProvider.
        """
        if self._import_spans is None:
            found = self.ast_imports(expected)
            self._import_spans = [self.span_of_ast(a) for a in found] if found else []
        if self._import_spans:
            return self._import_spans[ordinal]
        return self._slow_span(statement)

    def ast_imports(self, expected: Sequence) -> Optional[List[ast.stmt]]:
        """The `ast` import statements paired with `expected` (the file's CST import
        statements, in file order), or None if they do not pair up."""
        if self._ast_imports is None:
            tree = self._ast()
            found = ast_imports_in_order(tree) if tree is not None else []
            paired = len(found) == len(expected) and all(
                _same_import(a, c) for a, c in zip(found, expected))
            self._ast_imports = found if paired else []
        return self._ast_imports if self._ast_imports or not expected else None

    def span(self, node: cst.CSTNode) -> Span:
        """Span of any CST node. Calls and attributes are paired with `ast` by source order
        (one indexing walk, paid only by files that report something); anything else
        falls back to PositionProvider."""
        kind = _AST_KIND.get(type(node))
        if kind is None:
            return self._slow_span(node)
        if self._cst_order is None:
            self._cst_order = _index_expressions(self._module)
        nodes = self._cst_order[kind]
        return self._ordered_span(kind, node, nodes.get(node, -1), len(nodes))

    def _ordered_span(self, kind: type, node: cst.CSTNode, ordinal: int, total: int) -> Span:
        spans = self._ordered.get(kind)
        if spans is None:
            tree = self._ast()
            spans = []
            if tree is not None:
                found = [n for n in all_nodes(tree) if isinstance(n, kind)]
                if len(found) == total:
                    # Source order; a node that contains another starts first or ends later.
                    found.sort(key=lambda n: (n.lineno, n.col_offset, -(n.end_lineno or 0),
                                              -(n.end_col_offset or 0)))
                    spans = [self.span_of_ast(n) for n in found]
            self._ordered[kind] = spans
        if spans and ordinal >= 0:
            return spans[ordinal]
        return self._slow_span(node)

    def _slow_span(self, node: cst.CSTNode) -> Span:
        if self._fallback is None:
            from libcst.metadata import MetadataWrapper, PositionProvider

            wrapper = MetadataWrapper(self._module, unsafe_skip_copy=True)
            positions = wrapper.resolve(PositionProvider)
            self._fallback = {
                n: (p.start.line, p.start.column + 1, p.end.line, p.end.column + 1)
                for n, p in positions.items()
            }
        return self._fallback[node]


_AST_KIND = {cst.Call: ast.Call, cst.Attribute: ast.Attribute, cst.Subscript: ast.Subscript}


def _index_expressions(module: cst.Module) -> Dict[type, Dict[cst.CSTNode, int]]:
    """Pre-order index of every call, attribute and subscript outside import statements (the order
    `ast` gives them once sorted by position: outer first)."""
    order: Dict[type, Dict[cst.CSTNode, int]] = {kind: {} for kind in _AST_KIND.values()}

    class Indexer(OutsideImports):
        def visit_Call(self, node):
            calls = order[ast.Call]
            calls[node] = len(calls)

        def visit_Attribute(self, node):
            attributes = order[ast.Attribute]
            attributes[node] = len(attributes)

        def visit_Subscript(self, node):
            subscripts = order[ast.Subscript]
            subscripts[node] = len(subscripts)

    walk(module, Indexer())
    return order


def _same_import(a: ast.stmt, c: cst.CSTNode) -> bool:
    from .imports import dotted_name

    if isinstance(a, ast.Import) and isinstance(c, cst.Import):
        return [n.name for n in a.names] == [dotted_name(n.name) for n in c.names]
    if isinstance(a, ast.ImportFrom) and isinstance(c, cst.ImportFrom):
        module = dotted_name(c.module) if c.module is not None else None
        return a.module == module and a.level == len(c.relative)
    return False
