"""Where the names a file imports are used, as CST nodes a fix can replace.

`bindings.Bindings` says, from `ast`, which reads get an import's binding. Fixes
replace CST nodes, so each read is paired with its CST `Name`: the statement that
holds it is found by walking statement bodies only (both trees list statements in the
same order), and inside that one statement the names of that spelling are paired in
source order. Only the statements that hold a read are ever visited.
"""

from __future__ import annotations

import ast
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

import libcst as cst

from ..cst_walk import walk
from ..imports import ImportedName
from ..positions import statement_units
from .bindings import Bindings, Scope

# ast statement type -> its CST type, where the names differ
_CST_TYPE = {ast.Delete: cst.Del, ast.AsyncFunctionDef: cst.FunctionDef, ast.AsyncFor: cst.For,
             ast.AsyncWith: cst.With}


class UseIndex:
    """Around the names found so far: the attribute on each value, the call of each
    callee, and what is assigned to (gathered per visited statement, not per file)."""

    def __init__(self):
        self.attribute_of: Dict[cst.CSTNode, cst.Attribute] = {}
        self.call_of: Dict[cst.CSTNode, cst.Call] = {}
        self.stored: set = set()


class _StatementNames(cst.CSTVisitor):
    """The `Name`s spelled `value` that `ast` also has as `Name` nodes, in source order
    (not attribute names, keywords, parameters or other declarations)."""

    def __init__(self, value: str, uses: UseIndex):
        super().__init__()
        self.value = value
        self.uses = uses
        self.found: List[cst.Name] = []

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.value:
            self.found.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.uses.attribute_of[node.value] = node
        walk(node.value, self)
        return False

    def visit_Call(self, node: cst.Call) -> None:
        self.uses.call_of[node.func] = node

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk(node.value, self)
        return False

    def visit_Param(self, node: cst.Param) -> bool:
        for part in (node.annotation, node.default):
            if part is not None:
                walk(part, self)
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.uses.stored.add(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.uses.stored.add(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.uses.stored.add(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self.uses.stored.add(node.target)


class ImportUses:
    """Reads of the names a file's imports bind, as CST nodes (for fix planning)."""

    def __init__(self, module: cst.Module, bindings: Bindings, ast_imports: Sequence[ast.stmt]):
        self.module = module
        self.bindings = bindings
        self._ast_imports = ast_imports
        self.uses = UseIndex()
        self._cst: Dict[ast.stmt, Optional[cst.CSTNode]] = {}
        self._line_of: Dict[ast.stmt, Optional[cst.CSTNode]] = {}  # small statement's line
        self._statement_of_cst: Dict[cst.CSTNode, ast.stmt] = {}
        self._names: Dict[Tuple[ast.stmt, str], Optional[List[cst.Name]]] = {}

    def scope_of(self, imp: ImportedName) -> Optional[Scope]:
        if imp.ordinal >= len(self._ast_imports):
            return None
        return self.bindings.scope_of_import.get(self._ast_imports[imp.ordinal])

    def reads(self, imp: ImportedName) -> Tuple[Optional[List[cst.Name]], Optional[str]]:
        """The CST names reading `imp`'s binding of `imp.bound`; (None, why) if unsure.
        (A name bound more than once in its scope is read from either binding.)"""
        scope = self.scope_of(imp)
        sites = scope.bindings.get(imp.bound, ()) if scope is not None else ()
        if not any(site is _alias_of(self._ast_imports[imp.ordinal], imp) for site in sites):
            return None, "could not resolve the import's binding"
        reads, unsure = self.bindings.reads(imp.bound, scope)
        if unsure:
            return None, f"a class body binds {imp.bound} and reads it"
        if reads and len(sites) > 1:
            return None, f"{imp.bound} is bound more than once in this file"
        return self.cst_names(reads, imp.bound)

    def dotted_reads(self, imp: ImportedName, other_paths: Sequence[str]
                     ) -> Tuple[Optional[List[cst.CSTNode]], Optional[str]]:
        """For `import a.b.c` (no `as`): the `a.b.c` attribute nodes its uses start with.
        A use through `a.b` to anything but a path another plain import binds
        (`other_paths`) makes it unsure: dropping the import could break that use."""
        parts = imp.path.split(".")
        root = parts[0]
        scope = self.scope_of(imp)
        if scope is None or not self.bindings.bound_only_by_imports(
                root, lambda alias: alias.asname is None):
            return None, f"{root} is bound by something else than `import {root}...`"
        reads, unsure = self.bindings.reads(root, scope)
        if unsure:
            return None, f"a class body binds {root} and reads it"
        mine = []
        for read in reads:
            dotted = ".".join([read.id] + self.bindings.attributes_read_off(read))
            if dotted == imp.path or dotted.startswith(imp.path + "."):
                mine.append(read)
                continue
            if any(dotted == p or dotted.startswith(p + ".") for p in other_paths):
                continue
            for depth in range(2, len(parts)):
                partial = ".".join(parts[:depth])
                if dotted == partial or dotted.startswith(partial + "."):
                    return None, f"other private paths are reached through {partial}"
        names, why = self.cst_names(mine, root)
        if names is None:
            return None, why
        heads = []
        for name in names:
            node: cst.CSTNode = name
            for _ in parts[1:]:
                node = self.uses.attribute_of[node]
            self._statement_of_cst[node] = self._statement_of_cst[name]
            heads.append(node)
        return heads, None

    def cst_names(self, reads: List[ast.Name], value: str
                  ) -> Tuple[Optional[List[cst.Name]], Optional[str]]:
        """The CST `Name` of each `ast` read (all spelled `value`), or (None, why)."""
        paired = []
        for read in reads:
            statement = self.bindings.statement_of.get(read)
            names = self._statement_names(statement, value) if statement is not None else None
            if names is None:
                return None, f"could not locate a use of {value}"
            in_statement = sorted((n for n in self.bindings.names_in[statement] if _spelled(n) == value),
                                  key=lambda n: (n.lineno, n.col_offset))
            in_fstring = any(n in self.bindings.in_fstring for n in in_statement)
            if len(in_statement) != len(names) or (in_fstring and len(names) > 1):
                return None, f"could not locate a use of {value}"
            name = names[in_statement.index(read)]
            self._statement_of_cst[name] = statement
            paired.append(name)
        return paired, None

    def _statement_names(self, statement: ast.stmt, value: str) -> Optional[List[cst.Name]]:
        key = (statement, value)
        if key not in self._names:
            node = self.cst_statement(statement)
            parts = _own_parts(node) if node is not None else None
            found = None
            if parts is not None:
                collector = _StatementNames(value, self.uses)
                for part in parts:
                    walk(part, collector)
                found = collector.found
            self._names[key] = found
        return self._names[key]

    def cst_statement(self, statement: ast.stmt) -> Optional[cst.CSTNode]:
        """The CST statement (a small statement, or a compound one) `statement` is."""
        if statement not in self._cst:
            slot = self.bindings.slot.get(statement)
            found = None
            if slot is not None:
                if slot.parent is None:
                    body = statement_units(self.module.body)
                else:
                    parent = self.cst_statement(slot.parent)
                    body = _body_of(parent, slot.field, slot.sub) if parent is not None else None
                if body is not None and slot.index < len(body):
                    candidate, line = body[slot.index]
                    expected = _CST_TYPE.get(type(statement)) or getattr(cst, type(statement).__name__, None)
                    if expected is not None and isinstance(candidate, expected):
                        found = candidate
                        self._line_of[statement] = line
            self._cst[statement] = found
        return self._cst[statement]

    def within(self, statements: Iterable[ast.stmt]) -> Optional[FrozenSet[cst.CSTNode]]:
        """The CST statement lines and compound statements from the module down to each
        of `statements` (what a fix touching only them needs visited), or None."""
        found = set()
        for statement in statements:
            while statement is not None:
                node = self.cst_statement(statement)
                if node is None:
                    return None
                found.add(self._line_of.get(statement) or node)
                statement = self.bindings.slot[statement].parent
        return frozenset(found)

    def extent(self, imp: ImportedName, reads: Sequence[cst.CSTNode] = (),
               ensures: Sequence = ()) -> Dict[str, object]:
        """`Fix` fields saying where a fix of `imp`'s statement, of the names `reads`
        returned and of imports put before `ensures`' anchors acts; {} when unknown
        (the fix is then applied over the whole file)."""
        statements = [self.import_statement(imp)] + [self._statement_of_cst.get(r) for r in reads]
        if any(s is None for s in statements):
            return {}
        within = self.within(statements)
        if within is None:
            return {}
        for ensure in ensures:
            if ensure.anchor not in within and not any(ensure.anchor is s for s in self.module.body):
                return {}
            within |= {ensure.anchor}
        return {"within": within}

    def import_statement(self, imp: ImportedName) -> Optional[ast.stmt]:
        return self._ast_imports[imp.ordinal] if imp.ordinal < len(self._ast_imports) else None


def _alias_of(statement: ast.stmt, imp: ImportedName) -> Optional[ast.alias]:
    """The `ast.alias` of `statement` that binds `imp.bound`."""
    for alias in statement.names:
        if (alias.asname or alias.name) == imp.bound:
            return alias
    return None


def _spelled(node: ast.AST) -> Optional[str]:
    return node.id if isinstance(node, ast.Name) else None


def _suite(suite: cst.BaseSuite):
    if isinstance(suite, cst.IndentedBlock):
        return statement_units(suite.body)
    return [(small, None) for small in suite.body]


def _body_of(node: cst.CSTNode, field_name: str, sub: Optional[int]):
    if field_name == "body" and hasattr(node, "body") and isinstance(node.body, cst.BaseSuite):
        return _suite(node.body)
    if field_name == "orelse":
        orelse = getattr(node, "orelse", None)
        if isinstance(orelse, cst.If):  # `elif`: ast's orelse holds that one If
            return [(orelse, None)]
        return _suite(orelse.body) if orelse is not None else None
    if field_name == "handlers" and isinstance(node, (cst.Try, cst.TryStar)):
        return _suite(node.handlers[sub].body)
    if field_name == "finalbody" and isinstance(node, (cst.Try, cst.TryStar)) and node.finalbody:
        return _suite(node.finalbody.body)
    return None  # `match` cases: not paired


def _own_parts(node: cst.CSTNode) -> Optional[List[cst.CSTNode]]:
    """The parts of a statement outside its nested statement bodies."""
    if isinstance(node, cst.FunctionDef):
        parts = [d.decorator for d in node.decorators] + [node.params]
        return parts + ([node.returns] if node.returns is not None else [])
    if isinstance(node, cst.ClassDef):
        return [d.decorator for d in node.decorators] + list(node.bases) + list(node.keywords)
    if isinstance(node, (cst.If, cst.While)):
        return [node.test]
    if isinstance(node, cst.For):
        return [node.target, node.iter]
    if isinstance(node, cst.With):
        return list(node.items)
    if isinstance(node, (cst.Try, cst.TryStar)):
        return [h.type for h in node.handlers if h.type is not None]
    if isinstance(node, cst.Match):
        return None
    return [node]
