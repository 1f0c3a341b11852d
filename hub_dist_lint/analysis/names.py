"""The one name resolver: which binding a CST name read gets, and what it was bound to.

Every rule and fix asks here (issue 20: four ad-hoc resolvers read a parameter `tf` as
the module `import tensorflow as tf` binds). The scoping is `bindings.Bindings`'
(Python's, over `ast`); a CST name is paired with its `ast` read as `import_uses`
pairs them (statement by statement, only for names some scope other than the module's
binds: a name only the module binds is the module's binding wherever it is read).

- `path_of(expr)`: the import path a `Name`/`Attribute` chain spells
  (`tfd.MirroredStrategy` -> `tensorflow.distribute.MirroredStrategy`), or None when its
  root name gets no import's binding where it is read. Several imports of one name in
  one scope: the first (execution order cannot be told).
- `sites(name)`: what a name read can be bound to (`Site` records), or None when unknown.

When `ast` cannot read the file (grammar newer than this Python), `path_of` reads every
name as the file's first import of it, and `sites` knows nothing.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from ..imports import ImportedName, dotted_name
from .bindings import MODULE, Bindings, Scope
from .import_uses import ImportUses

# what a binding site holds
IMPORT, DEFINITION, VALUE, ANNOTATION, OTHER = "import", "definition", "value", "annotation", "other"
LOOP = "loop"  # the target of a `for` statement: `value` is what it iterates over

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Site:
    """One binding of a name: `kind` says what `value` is (a CST node, or None): the
    assigned expression (VALUE), the annotation (ANNOTATION: `x: T`, a parameter `x: T`),
    the def/class statement (DEFINITION), the iterable of a `for` whose target is the name
    (LOOP); IMPORT and OTHER (comprehension and tuple loop targets, unpacking,
    unannotated parameters, ...) carry none. `scope` is the scope binding it."""

    kind: str
    value: Optional[cst.CSTNode]
    scope: Scope


class Names:
    """Name resolution of one file, for CST nodes. Build once per file (`LintContext.names`)."""

    def __init__(self, imports: Sequence[ImportedName], uses: Optional[ImportUses]):
        self._uses = uses
        self._first_import: Dict[str, str] = {}  # bound -> path, the file's first import
        for imp in imports:
            if imp.bound and not imp.is_star:
                self._first_import.setdefault(imp.bound, imp.path)
        # scope -> {bound: path} of the imports it holds, first one kept
        self._imports_in: Dict[int, Dict[str, str]] = {}
        self._binding_scopes: Optional[Dict[str, List[Scope]]] = None  # name -> scopes binding it
        self._read_of: Dict[int, Tuple[ast.Name, Scope]] = {}  # id(CST Name) -> its ast read
        self._paired: set = set()  # names whose reads are paired
        if uses is not None:
            for imp in imports:
                scope = uses.scope_of(imp)
                if scope is None:  # the import statements do not pair: nothing is resolved
                    self._uses = None
                    break
                if imp.bound and not imp.is_star:
                    self._imports_in.setdefault(id(scope), {}).setdefault(imp.bound, imp.path)

    @property
    def bindings(self) -> Optional[Bindings]:
        return self._uses.bindings if self._uses is not None else None

    # -- queries ------------------------------------------------------------------
    def path_of(self, node: cst.CSTNode) -> Optional[str]:
        """`tfd.MirroredStrategy` -> `tensorflow.distribute.MirroredStrategy` (None if
        the chain does not start at a name an import binds where it is read)."""
        name = dotted_name(node)
        if name is None:
            return None
        paths = self._first_import
        if self._uses is not None:
            scope = self.scope_of(_root(node))
            paths = self._imports_in.get(id(scope), {}) if scope is not None else {}
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            path = paths.get(".".join(parts[:cut]))
            if path is not None:
                return ".".join([path] + parts[cut:])
        return None

    def value_path_of(self, node: cst.CSTNode, _depth: int = 0) -> Optional[str]:
        """`path_of`, also through names bound once to such a chain: `keras = tf.keras` makes
        `keras.Sequential` `tensorflow.keras.Sequential`; so does `Sequential = tf.keras.Sequential`."""
        path = self.path_of(node)
        name = dotted_name(node)
        if path is not None or name is None or _depth > 4:
            return path
        sites = self.sites(_root(node))
        if not sites or len(sites) != 1 or sites[0].kind != VALUE:
            return None
        base = self.value_path_of(sites[0].value, _depth + 1)
        return ".".join([base] + name.split(".")[1:]) if base is not None else None

    def scope_of(self, name: cst.Name) -> Optional[Scope]:
        """The scope whose binding this read of `name` gets (None: unbound, a builtin, or
        not known). A class body that binds the name too: the class's."""
        if self._uses is None:
            return None
        scopes = self._scopes_binding(name.value)
        if not scopes:
            return None
        if all(s.kind == MODULE for s in scopes):
            return scopes[0]  # only the module binds it: every read gets that
        read = self._read(name)
        if read is None:
            return None
        scope, _ = self._uses.bindings.resolve(name.value, read[1])
        return scope

    def is_unbound(self, name: cst.Name) -> bool:
        """No scope of the file binds what this read of `name` gets (a builtin, or unbound)."""
        if self._uses is None:
            return False
        return not self._scopes_binding(name.value) or (
            self._read(name) is not None and self.scope_of(name) is None)

    def sites(self, name: cst.Name) -> Optional[List[Site]]:
        """Every binding this read of `name` may get, in source order; None when unknown."""
        scope = self.scope_of(name)
        if scope is None:
            return None
        return [self._site(node, scope) for node in scope.bindings.get(name.value, ())]

    def parameter_of(self, name: cst.Name) -> Optional[cst.FunctionDef]:
        """The def whose parameter this read of `name` gets, when that parameter is the
        name's only binding in the scope; else None."""
        scope = self.scope_of(name)
        if scope is None:
            return None
        nodes = scope.bindings.get(name.value, ())
        if len(nodes) != 1 or not isinstance(nodes[0], ast.arg):
            return None
        function = self.scope_node(scope)
        return function if isinstance(function, cst.FunctionDef) else None

    def scope_node(self, scope: Scope) -> Optional[cst.CSTNode]:
        """The CST module, def or class statement of a scope (None for others)."""
        if scope.kind == MODULE:
            return self._uses.module if self._uses is not None else None
        if isinstance(scope.node, _DEFINITIONS) and self._uses is not None:
            return self._uses.cst_statement(scope.node)
        return None

    # -- pairing --------------------------------------------------------------------
    def _scopes_binding(self, name: str) -> List[Scope]:
        if self._binding_scopes is None:  # one pass over the scopes, on first use
            self._binding_scopes = {}
            for scope in self._uses.bindings.scopes():
                for bound in scope.bindings:
                    self._binding_scopes.setdefault(bound, []).append(scope)
        return self._binding_scopes.get(name, [])

    def _read(self, name: cst.Name) -> Optional[Tuple[ast.Name, Scope]]:
        if name.value not in self._paired:
            self._paired.add(name.value)
            self._pair(name.value)
        return self._read_of.get(id(name))

    def _pair(self, value: str) -> None:
        by_statement: Dict[ast.stmt, List[Tuple[ast.Name, Scope]]] = {}
        bindings = self._uses.bindings
        for read, scope in bindings.loads(value):
            statement = bindings.statement_of.get(read)
            if statement is not None:
                by_statement.setdefault(statement, []).append((read, scope))
        for reads in by_statement.values():
            names, _ = self._uses.cst_names([r for r, _ in reads], value)
            for cst_name, read in zip(names or (), reads):
                self._read_of[id(cst_name)] = read

    def _site(self, node: ast.AST, scope: Scope) -> Site:
        if isinstance(node, ast.alias):
            return Site(IMPORT, None, scope)
        uses = self._uses
        if isinstance(node, _DEFINITIONS):
            statement = uses.cst_statement(node)
            return Site(DEFINITION, statement, scope) if statement is not None else Site(OTHER, None, scope)
        if isinstance(node, ast.arg):
            annotation = self._parameter_annotation(node, scope)
            return Site(ANNOTATION, annotation, scope) if annotation is not None else Site(OTHER, None, scope)
        if isinstance(node, ast.Name):
            statement = uses.bindings.statement_of.get(node)
            small = uses.cst_statement(statement) if statement is not None else None
            if isinstance(statement, ast.Assign) and isinstance(small, cst.Assign):
                if any(target is node for target in statement.targets):
                    return Site(VALUE, small.value, scope)
            elif isinstance(statement, ast.For) and statement.target is node and isinstance(small, cst.For):
                return Site(LOOP, small.iter, scope)
            elif (isinstance(statement, ast.AnnAssign) and statement.target is node
                  and isinstance(small, cst.AnnAssign)):
                if small.value is not None:
                    return Site(VALUE, small.value, scope)
                return Site(ANNOTATION, small.annotation.annotation, scope)
        return Site(OTHER, None, scope)

    def _parameter_annotation(self, arg: ast.arg, scope: Scope) -> Optional[cst.CSTNode]:
        if arg.annotation is None:
            return None
        function = self.scope_node(scope)
        if not isinstance(function, cst.FunctionDef):
            return None
        params = function.params
        star = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
        for param in (*params.posonly_params, *params.params, *params.kwonly_params, *star):
            if param.name.value == arg.arg and param.annotation is not None:
                return param.annotation.annotation
        return None


def _root(node: cst.CSTNode) -> cst.Name:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node  # a Name: dotted_name() said so
