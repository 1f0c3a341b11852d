"""Which binding each name read refers to, by Python's scoping rules, from `ast`.

Fix planning asks where the name an import binds is read, and which names a file
uses at all. libcst's ScopeProvider answers that with a full CST walk (several times
a parse: it made fixes 5x slower than findings); an `ast` walk costs about a tenth of
a parse, and the `ast` tree is the one the span look-ups already parsed.

What this cannot settle comes back as unknown, and no fix is offered: a class body
that binds the name it also reads (class or module binding, by execution order).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set, Tuple

MODULE, FUNCTION, CLASS, COMPREHENSION = "module", "function", "class", "comprehension"
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_OWN_SCOPE = frozenset((ast.Lambda, ast.NamedExpr) + _COMPREHENSIONS)


@dataclass(eq=False)
class Scope:
    node: ast.AST
    kind: str
    parent: Optional["Scope"]
    # name -> the nodes binding it here: an import's `ast.alias`, a stored `ast.Name`,
    # an `ast.arg`, a def/class statement, an except handler, a match pattern
    bindings: Dict[str, List[ast.AST]] = field(default_factory=dict)
    declared_global: Set[str] = field(default_factory=set)
    declared_nonlocal: Set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Slot:
    """Where a statement stands: its parent statement (None: the module), the body
    field holding it (`body`, `orelse`, `handlers`, `finalbody`, `cases`), the handler
    or case index for those, and its index in that list."""

    parent: Optional[ast.stmt]
    field: str
    sub: Optional[int]
    index: int


class Bindings:
    """Python's name resolution over one file's `ast` tree."""

    def __init__(self, tree: ast.Module):
        self.module = Scope(tree, MODULE, None)
        self.names_used: Set[str] = set()  # every identifier read or bound anywhere
        self.slot: Dict[ast.stmt, Slot] = {}
        self.names_in: Dict[ast.stmt, List[ast.Name]] = {}  # Names a statement holds itself
        self.statement_of: Dict[ast.Name, ast.stmt] = {}
        # Names inside f-strings: before Python 3.12 their positions may be off
        self.in_fstring: Set[ast.Name] = set()
        self.attribute_of: Dict[ast.AST, ast.Attribute] = {}  # value -> the attribute on it
        self.scope_of_import: Dict[ast.stmt, Scope] = {}
        self.annotation_strings: List[str] = []  # `x: "Foo"`: names only a string spells
        self._reads: Dict[str, List[Tuple[ast.Name, Scope]]] = {}
        self._children: Dict[int, List[Scope]] = {}
        self._statements(tree.body, self.module, None, "body", None)

    # -- queries ------------------------------------------------------------------

    def resolve(self, name: str, scope: Scope) -> Tuple[Optional[Scope], bool]:
        """(the scope whose binding a read of `name` in `scope` gets, unsure): None for
        a builtin or unbound name; unsure when a class body binds it (then the read
        gets the class's or an outer binding, by execution order)."""
        if name in scope.declared_global:
            return self.module, False
        if scope.kind == CLASS:
            if name in scope.bindings:
                return scope, True
        elif name in scope.bindings:
            return scope, False
        outer = scope.parent
        while outer is not None:
            if outer.kind != CLASS and name in outer.bindings:
                return outer, False
            outer = outer.parent
        return None, False

    def reads(self, name: str, scope: Scope) -> Tuple[Optional[List[ast.Name]], bool]:
        """The loads of `name` that get `scope`'s binding, and whether some other read
        may get it too (a class body that also binds the name)."""
        found, unsure = [], False
        for node, where in self._reads.get(name, ()):
            resolved, doubtful = self.resolve(name, where)
            if resolved is scope:
                found.append(node)
                unsure = unsure or doubtful
            elif doubtful:
                outer, _ = self.resolve(name, where.parent) if where.parent else (None, False)
                unsure = unsure or outer is scope
        found.sort(key=lambda n: (n.lineno, n.col_offset))  # source order
        return found, unsure

    def attributes_read_off(self, name: ast.Name) -> List[str]:
        """The attributes a read takes in turn: ["b", "c"] for `a.b.c`."""
        attributes, node = [], name
        while node in self.attribute_of:
            node = self.attribute_of[node]
            attributes.append(node.attr)
        return attributes

    def loads(self, name: str) -> List[Tuple[ast.Name, Scope]]:
        """Every read of `name` in the file, with the scope it happens in."""
        return list(self._reads.get(name, ()))

    def scopes(self) -> Iterable[Scope]:
        seen, stack = [], [self.module]
        while stack:
            scope = stack.pop()
            seen.append(scope)
            stack.extend(self._children.get(id(scope), ()))
        return seen

    def in_string_annotation(self, name: str) -> bool:
        return any(re.search(rf"\b{re.escape(name)}\b", text) for text in self.annotation_strings)

    def is_free(self, name: str) -> bool:
        """No scope of the file reads or binds `name`."""
        return name not in self.names_used

    def bound_only_by_imports(self, name: str, accept) -> bool:
        """Every binding of `name`, in every scope, is an import alias `accept(alias)` takes."""
        for scope in self.scopes():
            for site in scope.bindings.get(name, ()):
                if not (isinstance(site, ast.alias) and accept(site)):
                    return False
        return True

    # -- the walk -------------------------------------------------------------------

    def _new_scope(self, node: ast.AST, kind: str, parent: Scope) -> Scope:
        scope = Scope(node, kind, parent)
        self._children.setdefault(id(parent), []).append(scope)
        return scope

    def _bind(self, scope: Scope, name: str, node: ast.AST) -> None:
        self.names_used.add(name)
        if name in scope.declared_global:
            scope = self.module
        elif name in scope.declared_nonlocal:
            outer = scope.parent
            while outer is not None and outer.kind not in (FUNCTION, MODULE):
                outer = outer.parent
            scope = outer or self.module
        scope.bindings.setdefault(name, []).append(node)

    def _statements(self, body: List[ast.stmt], scope: Scope, parent: Optional[ast.stmt],
                    field_name: str, sub: Optional[int]) -> None:
        for index, statement in enumerate(body):
            self.slot[statement] = Slot(parent, field_name, sub, index)
            self._statement(statement, scope)

    def _statement(self, node: ast.stmt, scope: Scope) -> None:
        if isinstance(node, _FUNCTIONS):
            self._function(node, scope)
        elif isinstance(node, ast.ClassDef):
            for part in (*node.decorator_list, *node.bases, *(k.value for k in node.keywords)):
                self._expression(part, scope, node)
            self._bind(scope, node.name, node)
            self._statements(node.body, self._new_scope(node, CLASS, scope), node, "body", None)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self.scope_of_import[node] = scope
            for alias in node.names:
                if alias.name != "*":
                    bound = alias.asname or (alias.name.split(".")[0]
                                             if isinstance(node, ast.Import) else alias.name)
                    self._bind(scope, bound, alias)
        elif isinstance(node, ast.Global):
            scope.declared_global.update(node.names)
            self.names_used.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            scope.declared_nonlocal.update(node.names)
            self.names_used.update(node.names)
        else:
            if isinstance(node, ast.AnnAssign):
                self._annotation(node.annotation)
            self._compound_or_simple(node, scope)

    def _annotation(self, node: ast.AST) -> None:
        self.annotation_strings.extend(
            n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str))

    def _compound_or_simple(self, node: ast.stmt, scope: Scope) -> None:
        for name, value in ast.iter_fields(node):
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self._statements(value, scope, node, name, None)
                    continue
                for index, item in enumerate(value):
                    if isinstance(item, ast.excepthandler):
                        self._handler(item, index, scope, node)
                    elif isinstance(item, ast.match_case):
                        self._case(item, index, scope, node)
                    elif isinstance(item, ast.AST):
                        self._expression(item, scope, node)
            elif isinstance(value, ast.AST):
                self._expression(value, scope, node)

    def _handler(self, handler: ast.ExceptHandler, index: int, scope: Scope,
                 statement: ast.stmt) -> None:
        if handler.type is not None:
            self._expression(handler.type, scope, statement)
        if handler.name:
            self._bind(scope, handler.name, handler)
        self._statements(handler.body, scope, statement, "handlers", index)

    def _case(self, case: ast.match_case, index: int, scope: Scope, statement: ast.stmt) -> None:
        self._expression(case.pattern, scope, statement)
        if case.guard is not None:
            self._expression(case.guard, scope, statement)
        self._statements(case.body, scope, statement, "cases", index)

    def _function(self, node, scope: Scope) -> None:
        # decorators, defaults and annotations run in the enclosing scope
        for part in node.decorator_list:
            self._expression(part, scope, node)
        self._arguments(node.args, scope, node)
        if node.returns is not None:
            self._annotation(node.returns)
            self._expression(node.returns, scope, node)
        self._bind(scope, node.name, node)
        inner = self._new_scope(node, FUNCTION, scope)
        self._parameters(node.args, inner)
        self._statements(node.body, inner, node, "body", None)

    def _arguments(self, args: ast.arguments, scope: Scope, statement: ast.stmt) -> None:
        for default in (*args.defaults, *(d for d in args.kw_defaults if d is not None)):
            self._expression(default, scope, statement)
        for arg in _all_args(args):
            if arg.annotation is not None:
                self._annotation(arg.annotation)
                self._expression(arg.annotation, scope, statement)

    def _parameters(self, args: ast.arguments, inner: Scope) -> None:
        for arg in _all_args(args):
            self._bind(inner, arg.arg, arg)

    def _expression(self, node: ast.AST, scope: Scope, statement: ast.stmt) -> None:
        """Every name in an expression (a loop over a stack: expressions nest deeply)."""
        stack = [node]
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind is ast.Name:
                self._name(node, scope, statement)
                continue
            if kind is ast.Constant:
                continue
            if kind is ast.Attribute:
                self.attribute_of[node.value] = node
                stack.append(node.value)
                continue
            if kind in _OWN_SCOPE:
                self._scoped(node, scope, statement)
                continue
            if kind is ast.JoinedStr:
                self.in_fstring.update(n for n in ast.walk(node) if isinstance(n, ast.Name))
            elif kind in (ast.MatchAs, ast.MatchStar) and node.name:
                self._bind(scope, node.name, node)
            elif kind is ast.MatchMapping and node.rest:
                self._bind(scope, node.rest, node)
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, list):
                    stack.extend(item for item in value if isinstance(item, ast.AST))
                elif isinstance(value, ast.AST):
                    stack.append(value)

    def _name(self, node: ast.Name, scope: Scope, statement: ast.stmt) -> None:
        self.names_used.add(node.id)
        self.names_in.setdefault(statement, []).append(node)
        self.statement_of[node] = statement
        if isinstance(node.ctx, ast.Load):
            self._reads.setdefault(node.id, []).append((node, scope))
        else:
            self._bind(scope, node.id, node)

    def _scoped(self, node: ast.AST, scope: Scope, statement: ast.stmt) -> None:
        """A lambda, a comprehension or `:=`: what binds where."""
        if isinstance(node, ast.Lambda):
            self._arguments(node.args, scope, statement)
            inner = self._new_scope(node, FUNCTION, scope)
            self._parameters(node.args, inner)
            self._expression(node.body, inner, statement)
        elif isinstance(node, ast.NamedExpr):
            target = scope
            while target.kind == COMPREHENSION:  # `:=` binds in the enclosing function
                target = target.parent
            self.names_in.setdefault(statement, []).append(node.target)
            self.statement_of[node.target] = statement
            self._bind(target, node.target.id, node.target)
            self._expression(node.value, scope, statement)
        else:
            self._comprehension(node, scope, statement)

    def _comprehension(self, node, scope: Scope, statement: ast.stmt) -> None:
        generators = node.generators
        self._expression(generators[0].iter, scope, statement)  # runs in the enclosing scope
        inner = self._new_scope(node, COMPREHENSION, scope)
        for index, generator in enumerate(generators):
            if index:
                self._expression(generator.iter, inner, statement)
            self._expression(generator.target, inner, statement)
            for condition in generator.ifs:
                self._expression(condition, inner, statement)
        parts = (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,)
        for part in parts:
            self._expression(part, inner, statement)


def _all_args(args: ast.arguments) -> List[ast.arg]:
    found = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    found += [a for a in (args.vararg, args.kwarg) if a is not None]
    return found
