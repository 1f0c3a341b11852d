"""Following `hub.KerasLayer` values into Keras models, without running anything.

One walk (the hub-scope analyzer's, extended) records what each name of each unit is bound
to, what functions return, and every call. A value is then judged by what the file proves:

- HUB: a `hub.KerasLayer(...)` call, a name bound once to one, or a call of a function of
  this file whose every `return` gives one;
- SEQUENTIAL: a call of a Keras 3 `Sequential`; SYMBOLIC: a Keras 3 `Input(...)`, or a Keras 3
  layer (or function) applied to a symbolic tensor; LAYER: any other Keras 3 object made by a call.

A hub layer reaches a Keras 3 model when it is an element of the layer list of a Keras 3
`Sequential(...)`, the argument of `.add()` on one, or is called on a symbolic tensor.
Names bound more than once, parameters, loop variables, attributes: unknown, never reported.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

import libcst as cst

from ..imports import dotted_name
from .scoped_values import ValueGraph, Unit
from .names import DEFINITION, VALUE, Names
from .receivers import StrategyReceivers

HUB, SEQUENTIAL, SYMBOLIC, LAYER = "hub", "sequential", "symbolic", "layer"
KERAS_LAYER_PATHS = ("tensorflow_hub.KerasLayer", "tensorflow_hub.keras_layer.KerasLayer")
SEQUENTIAL_NAMES = ("Sequential", "models.Sequential")
INPUT_NAMES = ("Input", "layers.Input")
MODEL_NAMES = ("Model", "models.Model")
# Callees a model can be handed to without leaving the file's own Keras.
_SAFE_ROOTS = ("tensorflow", "keras", "tf_keras", "numpy", "tensorflow_hub")
_MAX_DEPTH = 8


@dataclass(frozen=True)
class Reach:
    """A hub layer that reaches a Keras 3 model."""

    how: str  # "sequential", "add" or "functional"
    hub: cst.CSTNode  # the hub layer expression (a call, or a name bound to one)
    call: cst.Call  # the Sequential(...), .add(...) or layer(tensor) call
    unit: Unit
    spelled: str  # how the file spells the Keras 3 API: tf.keras.Sequential, keras.Input, ...


class ModelScan(ValueGraph):
    """Set `keras3` before judging: `keras3(path)` gives the Keras 3 API name a resolved
    path stands for in the file (`layers.Dense`), or None."""

    def __init__(self, names: Names, receivers: StrategyReceivers):
        super().__init__(names, receivers)
        self.keras3: Callable[[Optional[str]], Optional[str]] = lambda path: None
        self.returns: Dict[int, List[Optional[cst.CSTNode]]] = {}
        self.calls: List[Tuple[cst.Call, Unit, int]] = []  # every call, its unit and index
        self.ordinal_of: Dict[int, int] = {}
        self.main_guard = False  # `if __name__ == "__main__":` at module level
        self.module_calls = False  # a call statement at module level
        # (id(unit), name) -> how the value leaves: ("arg", call), ("return", None), ("attr", None)
        self.handed: Dict[Tuple[int, str], List[Tuple[str, Optional[cst.Call]]]] = {}

    # -- values handed away ----------------------------------------------------
    def visit_Assign(self, node):
        super().visit_Assign(node)
        for target in node.targets:
            if isinstance(target.target, cst.Attribute) and isinstance(node.value, cst.Name):
                self._hand(node.value.value, "attr", None)

    # -- returns, calls, entry points ----------------------------------------------
    def visit_Return(self, node):
        super().visit_Return(node)
        self.returns.setdefault(id(self.stack[-1]), []).append(node.value)
        if isinstance(node.value, cst.Name):
            self._hand(node.value.value, "return", None)

    def _hand(self, name: str, how: str, call: Optional[cst.Call]) -> None:
        self.handed.setdefault((id(self.stack[-1]), name), []).append((how, call))

    def visit_Call(self, node):
        ordinal = len(self.calls)
        super().visit_Call(node)
        self.calls.append((node, self.stack[-1], ordinal))
        self.ordinal_of[id(node)] = ordinal
        for arg in node.args:
            if isinstance(arg.value, cst.Name):
                self._hand(arg.value.value, "arg", node)

    def visit_If(self, node):
        if self.stack[-1].kind == "module" and _is_main_guard(node.test):
            self.main_guard = True

    def visit_Expr(self, node):
        if self.stack[-1].kind == "module" and isinstance(node.value, cst.Call):
            self.module_calls = True

    # -- judging values ----------------------------------------------------------
    def lookup(self, name: cst.Name) -> object:
        """What this read of a name is bound to, when bound once: (value, the unit that
        binds it) or a function's Unit; else None (names.Names resolves it)."""
        sites = self.names.sites(name)
        if sites is None or len(sites) != 1:
            return None
        site = sites[0]
        if site.kind == VALUE:
            unit = self.unit_of.get(self.names.scope_node(site.scope))
            return (site.value, unit) if unit is not None else None
        if site.kind == DEFINITION and isinstance(site.value, cst.FunctionDef):
            return self.unit_of.get(site.value)
        return None

    def kind(self, expr, unit: Unit, depth: int = 0) -> Optional[str]:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Name):
            found = self.lookup(expr)
            if isinstance(found, tuple):
                return self.kind(found[0], found[1], depth + 1)
            return None
        if not isinstance(expr, cst.Call):
            return None
        path = self.names.path_of(expr.func)
        if path in KERAS_LAYER_PATHS:
            return HUB
        name = self.keras3(path)
        applied_to_symbolic = any(arg.keyword is None and self.kind(arg.value, unit, depth + 1)
                                  == SYMBOLIC for arg in expr.args)
        if name is not None:
            if name in SEQUENTIAL_NAMES:
                return SEQUENTIAL
            return SYMBOLIC if name in INPUT_NAMES or applied_to_symbolic else LAYER
        if applied_to_symbolic and self.kind(expr.func, unit, depth + 1) == LAYER:
            return SYMBOLIC
        if isinstance(expr.func, cst.Name):
            found = self.lookup(expr.func)
            if isinstance(found, Unit) and found.kind == "function":
                return self._returned_kind(found, depth + 1)
        return None

    def _returned_kind(self, function: Unit, depth: int) -> Optional[str]:
        values = self.returns.get(id(function), [])
        kinds = {self.kind(value, function, depth) if value is not None else None
                 for value in values}
        return kinds.pop() if len(kinds) == 1 and values else None

    def layer_list(self, call: cst.Call, unit: Unit) -> List[cst.CSTNode]:
        """The elements of a Sequential's literal layer list (positional or `layers=`)."""
        arg = next((a for a in call.args if a.keyword is None or a.keyword.value == "layers"), None)
        if arg is None or arg.star:
            return []
        value = arg.value
        if isinstance(value, cst.Name):
            found = self.lookup(value)
            value = found[0] if isinstance(found, tuple) else None
        if isinstance(value, (cst.List, cst.Tuple)):
            return [e.value for e in value.elements if isinstance(e, cst.Element)]
        return []

    # -- findings ------------------------------------------------------------------
    def reaches(self, spell: Callable[[Optional[str]], str]) -> List[Reach]:
        """Every hub layer that reaches a Keras 3 model, in source order."""
        found: List[Reach] = []
        seen = set()
        for call, unit, _ in self.calls:
            func = call.func
            path = self.names.path_of(func)
            if self.keras3(path) in SEQUENTIAL_NAMES:
                for element in self.layer_list(call, unit):
                    if id(element) not in seen and self.kind(element, unit) == HUB:
                        seen.add(id(element))
                        found.append(Reach("sequential", element, call, unit, spell(path)))
            elif (isinstance(func, cst.Attribute) and func.attr.value == "add" and call.args
                  and self.kind(func.value, unit) == SEQUENTIAL
                  and self.kind(call.args[0].value, unit) == HUB):
                found.append(Reach("add", call.args[0].value, call, unit, "Sequential"))
            elif (call.args and call.args[0].keyword is None and self.kind(func, unit) == HUB
                  and self.kind(call.args[0].value, unit) == SYMBOLIC):
                found.append(Reach("functional", func, call, unit, "Input"))
        return found

    def span_call(self, reach: Reach) -> cst.Call:
        """The call a finding is shown on: the hub layer's own call when it is one."""
        if isinstance(reach.hub, cst.Call) and id(reach.hub) in self.ordinal_of:
            return reach.hub
        return reach.call

    # -- where models go -------------------------------------------------------------
    def models_of(self, reach: Reach) -> List[Tuple[cst.Call, Unit]]:
        """The Keras 3 model calls a finding belongs to: its Sequential, or every Model(...)
        call of the unit of a functional finding."""
        if reach.how == "sequential":
            return [(reach.call, reach.unit)]
        if reach.how == "add":
            receiver = reach.call.func.value
            found = self.lookup(receiver) if isinstance(receiver, cst.Name) else None
            return [found] if isinstance(found, tuple) and isinstance(found[0], cst.Call) else []
        return [(call, unit) for call, unit, _ in self.calls
                if unit is reach.unit and self.keras3(self.names.path_of(call.func)) in MODEL_NAMES]

    def hands_away(self, model: cst.Call, unit: Unit, entry_point: bool) -> Optional[str]:
        """How a model leaves this file's code, or None when it stays in it."""
        statement = _statement_of(model, unit)
        if isinstance(statement, cst.Return):
            return self._returned_from(unit, entry_point)
        if not isinstance(statement, cst.Assign):
            return None if statement is not None else "it is built inside an expression"
        target = statement.targets[0].target
        if not isinstance(target, cst.Name) or len(statement.targets) != 1:
            return "it is stored on an attribute or in a container"
        for how, call in self.handed.get((id(unit), target.value), []):
            if how == "return":
                why = self._returned_from(unit, entry_point)
                if why:
                    return why
            elif how == "attr":
                return "it is stored on an attribute"
            elif how == "arg" and not self._local_callee(call, unit):
                return f"it is passed to {_callee_text(call)}, which is not in this file"
        return None

    def _returned_from(self, unit: Unit, entry_point: bool) -> Optional[str]:
        if unit.kind != "function":
            return "it is returned"
        name = unit.node.name.value
        if entry_point and unit.cls is None and name in self.escaped_names | self._called_names():
            return None  # a script's own helper, used here
        return f"{name}() returns it to callers that may be in other modules"

    def _called_names(self) -> set:
        return {call.func.value for call, _, _ in self.calls if isinstance(call.func, cst.Name)}

    def _local_callee(self, call: cst.Call, unit: Unit) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            found = self.lookup(func.value)
            if isinstance(found, tuple) and self.kind(found[0], found[1]) in (SEQUENTIAL, LAYER):
                return True  # a method of a Keras object of this file
        path = self.names.path_of(func) or ""
        if path.split(".")[0] in _SAFE_ROOTS:
            return True
        if isinstance(func, cst.Name):
            found = self.lookup(func)
            if isinstance(found, Unit):
                return True
            return found is None and func.value in vars(builtins) and self.names.is_unbound(func)
        return False


def _statement_of(call: cst.Call, unit: Unit) -> Optional[cst.CSTNode]:
    """The small statement whose value is `call` itself, if any."""
    finder = _ValueStatement(call)
    unit.node.visit(finder)
    return finder.found


class _ValueStatement(cst.CSTVisitor):
    def __init__(self, call):
        super().__init__()
        self.call = call
        self.found = None

    def visit_Return(self, node):
        if node.value is self.call:
            self.found = node

    def visit_Assign(self, node):
        if node.value is self.call:
            self.found = node


def _callee_text(call: cst.Call) -> str:
    return (dotted_name(call.func) or "a callee") + "()"


def _is_main_guard(test) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    left, right = test.left, test.comparisons[0].comparator
    names = {n.value for n in (left, right) if isinstance(n, cst.Name)}
    strings = {n.evaluated_value for n in (left, right) if isinstance(n, cst.SimpleString)}
    return names == {"__name__"} and strings == {"__main__"} and isinstance(
        test.comparisons[0].operator, cst.Equal)
