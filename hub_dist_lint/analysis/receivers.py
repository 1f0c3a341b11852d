"""Is this receiver a `tf.distribute` strategy? Proven, likely, or contradicted by the file.

A name ending in `strategy` is a hint, not a proof. What the file shows wins:

- PROVEN: every binding the receiver can have in this file is a strategy constructor
  (`tf.distribute.MirroredStrategy(...)`), `tf.distribute.get_strategy()`, another
  proven name, or a parameter annotated with a `tf.distribute` strategy class.
- CONTRADICTED: some binding is something else the file can see: a class or function
  defined here, a call of one, a name imported from outside TensorFlow, a literal.
- LIKELY: named like a strategy and nothing contradicts it (a parameter, an attribute
  set elsewhere, `get_strategy()` on some object).

Findings may rest on LIKELY; rewrites only on PROVEN.

Bindings are scoped as Python scopes them: a name inside a function resolves to that
function's bindings when it binds the name, else to the enclosing functions', else
to the module's (class bodies are skipped, as Python skips them). Attributes
(`self.strategy`) are judged by every assignment to an attribute of that name in the
file.
"""

from __future__ import annotations

import enum
from typing import Dict, List, Optional, Tuple

import libcst as cst

from ..cst_walk import walk
from ..imports import OutsideImports
from .names import Names
from .strategies import is_constructor, is_get_strategy, strategy_named

_MAX_DEPTH = 8  # name -> name -> ... chains followed before giving up


class Verdict(enum.Enum):
    PROVEN = "proven"
    LIKELY = "likely"
    CONTRADICTED = "contradicted"
    UNKNOWN = "unknown"


# What one binding says: a strategy, not one, or nothing known.
_YES, _NO, _UNSURE = "yes", "no", "unsure"


class _Binding:
    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: Optional[cst.CSTNode]):
        self.kind = kind  # value | annotation | definition | import | other (names.Site kinds)
        self.value = value


class _AttributeStores(OutsideImports):
    """Every assignment to an attribute, by attribute name (`self.strategy = ...`): an
    attribute is judged by all of them (names are resolved by `names.Names`)."""

    def __init__(self):
        super().__init__()
        self.attributes: Dict[str, List[_Binding]] = {}

    def _store(self, target, kind, value):
        if isinstance(target, cst.Attribute):
            self.attributes.setdefault(target.attr.value, []).append(_Binding(kind, value))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._store(element.value, "other", None)
        elif isinstance(target, cst.StarredElement):
            self._store(target.value, "other", None)

    def visit_Assign(self, node):
        for target in node.targets:
            self._store(target.target, "value", node.value)

    def visit_AnnAssign(self, node):
        if node.value is not None:
            self._store(node.target, "value", node.value)
        else:
            self._store(node.target, "annotation", node.annotation.annotation)

    def visit_AugAssign(self, node):
        self._store(node.target, "other", None)

    def visit_For(self, node):
        self._store(node.target, "other", None)

    def visit_CompFor(self, node):
        self._store(node.target, "other", None)

    def visit_WithItem(self, node):
        if node.asname is not None:
            self._store(node.asname.name, "other", None)


class StrategyReceivers:
    """Judges receivers of one file. Build once per file, then ask `verdict(node)`."""

    def __init__(self, module: cst.Module, names: Names):
        self.names = names
        self._stores = _AttributeStores()
        walk(module, self._stores)
        self._memo: Dict[Tuple[int, str], str] = {}

    # -- public --------------------------------------------------------------------
    def verdict(self, node: cst.CSTNode) -> Verdict:
        answer = self._judge(node, 0)
        if answer == _YES:
            return Verdict.PROVEN
        if answer == _NO:
            return Verdict.CONTRADICTED
        return Verdict.LIKELY if strategy_named(node) else Verdict.UNKNOWN

    # -- judging -----------------------------------------------------------------------
    def _judge(self, node: cst.CSTNode, depth: int) -> str:
        if depth > _MAX_DEPTH:
            return _UNSURE
        if isinstance(node, cst.Call):
            return self._judge_call(node, depth)
        if isinstance(node, cst.Name):
            return self._judge_name(node, depth)
        if isinstance(node, cst.Attribute):
            return self._combine(self.stored(node.attr.value), depth)
        if isinstance(node, (cst.BaseNumber, cst.BaseString, cst.List, cst.Dict, cst.Set,
                             cst.Tuple, cst.ListComp, cst.DictComp, cst.SetComp, cst.Lambda)):
            return _NO
        return _UNSURE

    def _judge_call(self, call: cst.Call, depth: int) -> str:
        path = self.names.path_of(call.func)
        if is_constructor(path) or is_get_strategy(path):
            return _YES
        if path is not None:
            # an imported callable: TensorFlow's own (not a strategy maker) says nothing;
            # anything imported from outside TensorFlow is not a tf.distribute strategy
            return _UNSURE if path.split(".")[0] in ("tensorflow", "tf_keras", "keras") else _NO
        if isinstance(call.func, cst.Name):
            bindings = self.bound(call.func)
            if bindings and all(b.kind == "definition" for b in bindings):
                # a class or function of this file: what it makes is what it says
                answers = {self._judge_definition(b.value, depth) for b in bindings}
                return answers.pop() if len(answers) == 1 else _UNSURE
        return _UNSURE

    def _judge_definition(self, node: cst.CSTNode, depth: int) -> str:
        if isinstance(node, cst.ClassDef):
            # a subclass of a tf.distribute strategy is one; any other class is not
            bases = [self.names.path_of(arg.value) for arg in node.bases]
            return _YES if any(is_constructor(b) for b in bases) else _NO
        returns = _returned_values(node)
        if not returns:
            return _NO  # returns None
        answers = {self._judge(value, depth + 1) if value is not None else _NO
                   for value in returns}
        if _NO in answers:
            return _NO
        return _YES if answers == {_YES} else _UNSURE

    def bound(self, name: cst.Name) -> List[_Binding]:
        """What this read of a name may hold: every binding it can get ([] if unknown)."""
        return [_Binding(site.kind, site.value) for site in self.names.sites(name) or ()]

    def stored(self, attribute: str) -> List[_Binding]:
        """What an attribute of that name may hold: every assignment to one in the file."""
        return self._stores.attributes.get(attribute, [])

    def _judge_name(self, name: cst.Name, depth: int) -> str:
        scope = self.names.scope_of(name)
        if scope is None:
            return _UNSURE
        key = (id(scope), name.value)
        if key not in self._memo:
            self._memo[key] = _UNSURE  # a cycle is not a proof
            self._memo[key] = self._combine(self.bound(name), depth)
        return self._memo[key]

    def _combine(self, bindings: List[_Binding], depth: int) -> str:
        if not bindings:
            return _UNSURE
        answers = {self._judge_binding(b, depth) for b in bindings}
        if _NO in answers:
            return _NO
        return _YES if answers == {_YES} else _UNSURE

    def _judge_binding(self, binding: _Binding, depth: int) -> str:
        if binding.kind == "definition":
            return _NO
        if binding.kind == "value":
            return self._judge(binding.value, depth + 1)
        if binding.kind == "annotation":
            path = self.names.path_of(binding.value)
            if path and (is_constructor(path) or path.rsplit(".", 1)[-1] == "Strategy"
                         and path.startswith("tensorflow.")):
                return _YES
            return _UNSURE
        if binding.kind == "import":
            return _UNSURE
        return _UNSURE


def _returned_values(function: cst.FunctionDef) -> List[Optional[cst.BaseExpression]]:
    """The values of the function's own `return` statements (not of nested functions)."""
    found: List[Optional[cst.BaseExpression]] = []

    class Returns(cst.CSTVisitor):
        def visit_Return(self, node):
            found.append(node.value)

        def visit_FunctionDef(self, node):
            return False

        def visit_Lambda(self, node):
            return False

        def visit_ClassDef(self, node):
            return False

    walk(function.body, Returns())
    return found
