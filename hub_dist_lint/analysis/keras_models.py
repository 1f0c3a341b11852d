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

Across modules (analysis/project_models.py): a function or class another module of the
project defines is HUB when that module proves it gives hub layers; a hub layer passed to
a function whose parameter reaches a Keras 3 model there is a "passed" reach. Summarizing
a module judges its functions' parameters as hub layers (`parameters_hold_hub`).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

import libcst as cst

from ..cst_walk import walk
from ..imports import dotted_name
from .scoped_values import ValueGraph, Unit, method_owner
from .names import DEFINITION, IMPORT, LOOP, VALUE, Names
from .project_models import Callee, ParameterReach, ProjectModels
from .receivers import StrategyReceivers

HUB, SEQUENTIAL, SYMBOLIC, LAYER = "hub", "sequential", "symbolic", "layer"
KERAS_LAYER_PATHS = ("tensorflow_hub.KerasLayer", "tensorflow_hub.keras_layer.KerasLayer")
SEQUENTIAL_NAMES = ("Sequential", "models.Sequential")
INPUT_NAMES = ("Input", "layers.Input")
MODEL_NAMES = ("Model", "models.Model")
# Keras 3 wrappers that take a layer (measured under TF 2.21: `TimeDistributed(hub.KerasLayer(...))`
# raises "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance")
WRAPPER_NAMES = ("layers.TimeDistributed",)
LAYER_NAMES = ("Layer", "layers.Layer")
# Callees a model can be handed to without leaving the file's own Keras.
_SAFE_ROOTS = ("tensorflow", "keras", "tf_keras", "numpy", "tensorflow_hub")
_MAX_DEPTH = 8
_MAX_HOPS = 3  # a parameter handed from function to function of one module


@dataclass(frozen=True)
class HeldHubLayer:
    """`self.x = hub.KerasLayer(..., trainable=True)` in a method of a Keras 3 model or layer
    subclass: Keras 3 does not track the tf-keras layer's variables."""

    call: cst.Call  # the hub.KerasLayer(...) call
    value: cst.CSTNode  # what is assigned (the call, or a name bound to it)
    unit: Unit  # the method
    cls: cst.ClassDef
    base: str  # how the Keras 3 base is spelled in messages: tf.keras.Model, keras.layers.Layer


@dataclass(frozen=True)
class Reach:
    """A hub layer that reaches a Keras 3 model."""

    how: str  # "sequential", "add" or "functional"
    hub: cst.CSTNode  # the hub layer expression (a call, or a name bound to one)
    call: cst.Call  # the Sequential(...), .add(...) or layer(tensor) call
    unit: Unit
    spelled: str  # how the file spells the Keras 3 API: tf.keras.Sequential, keras.Input, ...
    # "passed": the function of another module it is passed to, and what it meets there
    passed_to: Optional[Tuple[Callee, ParameterReach]] = None
    # "passed" to a function of this file: where its parameter reaches the model (a reach
    # of `ModelScan.parameters_scan`, whose units it refers to)
    inner: Optional["Reach"] = None


class ModelScan(ValueGraph):
    """Set `keras3` before judging: `keras3(path)` gives the Keras 3 API name a resolved
    path stands for in the file (`layers.Dense`), or None."""

    def __init__(self, names: Names, receivers: StrategyReceivers):
        super().__init__(names, receivers)
        self.keras3: Callable[[Optional[str]], Optional[str]] = lambda path: None
        self.project: Optional[ProjectModels] = None  # set to follow other modules' names
        # a module's summary: what its functions would do with hub layers as arguments
        self.parameters_hold_hub = False
        self._module: Optional[cst.Module] = None
        self._parameters_scan: Optional["ModelScan"] = None
        self._parameter_reaches: Optional[Dict[str, Dict[str, Tuple[Reach, int]]]] = None
        self._spell: Callable[[Optional[str]], str] = lambda path: path or ""
        self.returns: Dict[int, List[Optional[cst.CSTNode]]] = {}
        self.calls: List[Tuple[cst.Call, Unit, int]] = []  # every call, its unit and index
        self.ordinal_of: Dict[int, int] = {}
        self.main_guard = False  # `if __name__ == "__main__":` at module level
        self.module_calls = False  # a call statement at module level
        # (id(unit), name) -> how the value leaves: ("arg", call), ("return", None), ("attr", None)
        self.handed: Dict[Tuple[int, str], List[Tuple[str, Optional[cst.Call]]]] = {}
        self.body_of_call: Dict[int, cst.CSTNode] = {}  # id(call) -> the body its statement is in
        self._assumed: Dict[Tuple[int, str], Optional[str]] = {}
        # statement order and body of a name read, and of an assigned value
        self.place_of_read: Dict[int, Tuple[int, cst.CSTNode]] = {}
        self.place_of_value: Dict[int, Tuple[int, cst.CSTNode]] = {}
        # `self.x = value` in a method: (value, the method's unit, the `self.x` node)
        self.self_attributes: List[Tuple[cst.CSTNode, Unit, cst.Attribute]] = []

    # -- values handed away ----------------------------------------------------
    def visit_Assign(self, node):
        super().visit_Assign(node)
        if self.statements:
            self.place_of_value[id(node.value)] = (self.order, self.block_of.get(self.statements[-1]))
        for target in node.targets:
            if isinstance(target.target, cst.Attribute) and isinstance(node.value, cst.Name):
                self._hand(node.value.value, "attr", None)
            if (isinstance(target.target, cst.Attribute) and isinstance(target.target.value, cst.Name)
                    and target.target.value.value == "self"):
                self.self_attributes.append((node.value, self.stack[-1], target.target))

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
        if self.statements:
            self.body_of_call[id(node)] = self.block_of.get(self.statements[-1])
        for arg in node.args:
            if isinstance(arg.value, cst.Name):
                self._hand(arg.value.value, "arg", node)

    def visit_Module(self, node):
        self._module = node
        return super().visit_Module(node)

    def visit_Name(self, node):
        super().visit_Name(node)
        if self.statements:
            self.place_of_read[id(node)] = (self.order, self.block_of.get(self.statements[-1]))

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

    def path(self, node) -> Optional[str]:
        """The import path a callee spells, through aliases (`keras = tf.keras`)."""
        return self.names.value_path_of(node)

    def kind(self, expr, unit: Unit, depth: int = 0) -> Optional[str]:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Name):
            return self._name_kind(expr, depth)
        if isinstance(expr, cst.Attribute):
            held = self._self_attribute(expr, unit)
            return self.kind(held[0], held[1], depth + 1) if held is not None else None
        if isinstance(expr, (cst.List, cst.Tuple, cst.Dict)) or self._is_dict_call(expr):
            # a structure of Keras tensors goes to a TensorFlow function as it is: one
            # KerasTensor in it is enough to fail there
            return SYMBOLIC if any(self.kind(value, unit, depth + 1) == SYMBOLIC
                                   for value in _structure_values(expr)) else None
        if not isinstance(expr, cst.Call):
            return None
        path = self.path(expr.func)
        if path in KERAS_LAYER_PATHS or self._hub_subclass(expr.func) or self._project_hub(expr.func):
            return HUB
        name = self.keras3(path)
        applied_to_symbolic = any(arg.keyword is None and self.kind(arg.value, unit, depth + 1)
                                  == SYMBOLIC for arg in expr.args)
        if name is not None:
            if name in SEQUENTIAL_NAMES:
                return SEQUENTIAL
            if name in MODEL_NAMES:
                return LAYER  # a model: called on tensors, it gives tensors
            return SYMBOLIC if name in INPUT_NAMES or applied_to_symbolic else LAYER
        if applied_to_symbolic and self.kind(expr.func, unit, depth + 1) in (LAYER, HUB):
            return SYMBOLIC  # a hub layer on a Keras tensor fails there: after it, a tensor
        if isinstance(expr.func, cst.Name):
            found = self.lookup(expr.func)
            if isinstance(found, Unit) and found.kind == "function":
                return self._returned_kind(found, depth + 1)
        return None

    def _self_attribute(self, expr: cst.Attribute, unit: Unit) -> Optional[Tuple[cst.CSTNode, Unit]]:
        """`self.x` in a method: the value the class assigns to `self.x`, when it does so once."""
        if not (isinstance(expr.value, cst.Name) and expr.value.value == "self"):
            return None
        cls = method_owner(unit)
        if cls is None:
            return None
        stored = [(value, where) for value, where, target in self.self_attributes
                  if target.attr.value == expr.attr.value and method_owner(where) is cls]
        return stored[0] if len(stored) == 1 else None

    def _name_kind(self, name: cst.Name, depth: int) -> Optional[str]:
        """The kind every binding of this read gives it. A name rebound from itself (`x =
        layer(x)`) is judged by its other bindings first, then checked with that answer."""
        sites = self.names.sites(name)
        if (self.parameters_hold_hub and sites and len(sites) == 1 and sites[0].kind != VALUE
                and self.names.parameter_of(name) is not None):
            return HUB
        if not sites or any(site.kind != VALUE for site in sites):
            return None
        key = (id(sites[0].scope), name.value)
        if key in self._assumed:
            return self._assumed[key]
        bound = []
        for site in sites:
            unit = self.unit_of.get(self.names.scope_node(site.scope))
            if unit is None:
                return None
            bound.append((site.value, unit))
        if len(bound) == 1:
            return self.kind(bound[0][0], bound[0][1], depth + 1)
        last = self._last_before(name, [value for value, _ in bound])
        if last is not None:
            return self.kind(last, next(unit for value, unit in bound if value is last), depth + 1)
        seeds = {self.kind(value, unit, depth + 1) for value, unit in bound
                 if name.value not in _names_read(value)}
        if len(seeds) != 1 or None in seeds:
            return None
        guess = seeds.pop()
        self._assumed[key] = guess
        try:
            kinds = {self.kind(value, unit, depth + 1) for value, unit in bound}
        finally:
            del self._assumed[key]
        return guess if kinds == {guess} else None

    def _last_before(self, name: cst.Name, values: List[cst.CSTNode]) -> Optional[cst.CSTNode]:
        """The binding a read surely gets in straight-line code: the last one before it in
        its own body, with no other binding of the name between them."""
        read = self.place_of_read.get(id(name))
        places = [self.place_of_value.get(id(value)) for value in values]
        if read is None or None in places:
            return None
        before = [(place[0], value) for place, value in zip(places, values) if place[0] < read[0]]
        if not before:
            return None
        order, value = max(before, key=lambda item: item[0])
        return value if self.place_of_value[id(value)][1] is read[1] else None

    def _is_dict_call(self, expr) -> bool:
        return (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name)
                and expr.func.value == "dict" and self.names.is_unbound(expr.func))

    def _hub_subclass(self, func, depth: int = 0) -> bool:
        """A class of this file deriving from hub.KerasLayer (through its classes), or one
        another module of the project defines."""
        callee = self.project_callee(func)
        if callee is not None and callee.name in callee.models.hub_classes:
            return True
        if not isinstance(func, cst.Name) or depth > 4:
            return False
        sites = self.names.sites(func)
        if not sites or len(sites) != 1 or not isinstance(sites[0].value, cst.ClassDef):
            return False
        return any(self.path(base.value) in KERAS_LAYER_PATHS or self._hub_subclass(base.value, depth + 1)
                   for base in sites[0].value.bases if base.keyword is None)

    def hub_subclasses(self) -> bool:
        """The file defines a class deriving from hub.KerasLayer."""
        return any(isinstance(unit.node, cst.ClassDef) and any(
            self.path(base.value) in KERAS_LAYER_PATHS for base in unit.node.bases)
            for unit in self.units if unit.kind == "class")

    def project_callee(self, func) -> Optional[Callee]:
        """The module-level name of another project module `func` (`f`, `module.f`) stands
        for, through an import at this file's top that is the name's only binding."""
        if self.project is None:
            return None
        root = func.value if isinstance(func, cst.Attribute) else func
        if not isinstance(root, cst.Name) or isinstance(func, cst.Attribute) and func.value is not root:
            return None
        sites = self.names.sites(root)
        if not sites or len(sites) != 1 or sites[0].kind != IMPORT or sites[0].scope.parent is not None:
            return None
        return self.project.callee(root.value, func.attr.value if func is not root else None)

    def _project_hub(self, func) -> bool:
        callee = self.project_callee(func)
        return callee is not None and callee.name in callee.models.returns_hub

    def returned_kind(self, function: Unit) -> Optional[str]:
        """The kind every `return` of a function gives (None: differing, or unknown)."""
        return self._returned_kind(function, 0)

    def is_hub_class(self, cls: cst.ClassDef) -> bool:
        """A class deriving from hub.KerasLayer (directly, or through classes that do)."""
        return any(self.path(base.value) in KERAS_LAYER_PATHS or self._hub_subclass(base.value)
                   for base in cls.bases if base.keyword is None)

    def _returned_kind(self, function: Unit, depth: int) -> Optional[str]:
        values = self.returns.get(id(function), [])
        kinds = {self.kind(value, function, depth) if value is not None else None
                 for value in values}
        return kinds.pop() if len(kinds) == 1 and values else None

    def elements(self, value, unit: Unit, depth: int = 0) -> List[cst.CSTNode]:
        """What a layer list surely holds: the elements of a literal list or tuple, of lists
        joined with `+`, the element of a comprehension over a literal non-empty sequence, of a
        name bound once to one of these; [] when unknown."""
        if depth > _MAX_DEPTH:
            return []
        if isinstance(value, cst.Name):
            found = self.lookup(value)
            return self.elements(found[0], found[1], depth + 1) if isinstance(found, tuple) else []
        if isinstance(value, (cst.List, cst.Tuple)):
            found = []
            for element in value.elements:
                if isinstance(element, cst.StarredElement):
                    found += self.elements(element.value, unit, depth + 1)
                else:
                    found.append(element.value)
            return found
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
            return self.elements(value.left, unit, depth + 1) + self.elements(value.right, unit, depth + 1)
        if (isinstance(value, cst.ListComp) and value.for_in.inner_for_in is None
                and not value.for_in.ifs and self.elements(value.for_in.iter, unit, depth + 1)):
            return [value.elt]
        return []

    def layer_list(self, call: cst.Call, unit: Unit) -> List[cst.CSTNode]:
        """The elements of a Sequential's layer list (positional or `layers=`), where known."""
        arg = next((a for a in call.args if a.keyword is None or a.keyword.value == "layers"), None)
        if arg is None or arg.star:
            return []
        return self.elements(arg.value, unit)

    # -- findings ------------------------------------------------------------------
    def reaches(self, spell: Callable[[Optional[str]], str]) -> List[Reach]:
        """Every hub layer that reaches a Keras 3 model, in source order."""
        self._spell = spell
        found: List[Reach] = []
        seen = set()
        for call, unit, _ in self.calls:
            func = call.func
            path = self.path(func)
            keras3 = self.keras3(path)
            first = call.args[0] if call.args else None
            if keras3 in SEQUENTIAL_NAMES:
                for element in self.layer_list(call, unit):
                    if id(element) not in seen and self.kind(element, unit) == HUB:
                        seen.add(id(element))
                        found.append(Reach("sequential", element, call, unit, spell(path)))
            elif keras3 in WRAPPER_NAMES and first is not None and first.keyword is None:
                if self.kind(first.value, unit) == HUB:
                    found.append(Reach("wrapped", first.value, call, unit, spell(path)))
            elif (isinstance(func, cst.Attribute) and func.attr.value == "add" and first is not None
                  and self.kind(func.value, unit) == SEQUENTIAL):
                hub = self._added_hub(call, first.value, unit)
                if hub is not None:
                    found.append(Reach("add", hub, call, unit, "Sequential"))
            elif (first is not None and first.keyword is None and self.kind(func, unit) == HUB
                  and self.kind(first.value, unit) == SYMBOLIC and not self._hub_output(first.value, unit)):
                found.append(Reach("functional", func, call, unit, "Input"))
            elif keras3 is None and call.args:
                found += self._passed(call, unit)
        return found

    def _passed(self, call: cst.Call, unit: Unit) -> List[Reach]:
        """Hub layers passed to a function of another module whose parameter reaches a
        Keras 3 model there."""
        local = self.lookup(call.func) if isinstance(call.func, cst.Name) else None
        if isinstance(local, Unit):
            return self._passed_here(call, unit, local)
        callee = self.project_callee(call.func)
        parameters = callee.models.parameters.get(callee.name) if callee is not None else None
        if not parameters:
            return []
        positional = {reach.index: name for name, reach in parameters.items() if reach.index is not None}
        return [Reach("passed", arg.value, call, unit, parameters[name].spelled, (callee, parameters[name]))
                for name, arg in _arguments(call, positional)
                if name in parameters and self.kind(arg.value, unit) == HUB]

    def _passed_here(self, call: cst.Call, unit: Unit, function: Unit) -> List[Reach]:
        """Hub layers passed to a module-level function of this file whose parameter
        reaches a Keras 3 model (judged by `parameters_scan`, built when first needed)."""
        if self.parameters_hold_hub or not module_function(function):
            return []
        if not any(self.kind(arg.value, unit) == HUB for arg in call.args if not arg.star):
            return []
        judged = self.parameters_scan()
        reached = judged.parameter_reaches(self._spell).get(function.node.name.value) if judged else None
        if not reached:
            return []
        return [Reach("passed", arg.value, call, unit, reached[name][0].spelled, inner=reached[name][0])
                for name, arg in _arguments(call, dict(enumerate(_positional_names(function.node))))
                if name in reached and self.kind(arg.value, unit) == HUB]

    def parameters_scan(self) -> Optional["ModelScan"]:
        """This module judged with its functions' parameters as hub layers (built once)."""
        if self._parameters_scan is None and self._module is not None:
            judged = ModelScan(self.names, self.receivers)
            judged.parameters_hold_hub = True
            judged.keras3 = self.keras3
            walk(self._module, judged)
            self._parameters_scan = judged
        return self._parameters_scan

    def parameter_reaches(self, spell: Callable[[Optional[str]], str]) -> Dict[str, Dict[str, Tuple[Reach, int]]]:
        """With `parameters_hold_hub`: for each module-level function, its parameters that
        reach a Keras 3 model (the reach, and the parameter's position; -1 keyword-only)."""
        if self._parameter_reaches is not None:
            return self._parameter_reaches
        found: Dict[str, Dict[str, Tuple[Reach, int]]] = {}
        self._parameter_reaches = found
        for reach in self.reaches(spell):
            if not isinstance(reach.hub, cst.Name):
                continue
            function = self.names.parameter_of(reach.hub)
            if not module_function(self.unit_of.get(function) if function is not None else None):
                continue
            params = function.params
            positional = _positional_names(function)
            name = reach.hub.value
            index = positional.index(name) if name in positional else -1
            if name in positional or name in [p.name.value for p in params.kwonly_params]:
                found.setdefault(function.name.value, {}).setdefault(name, (reach, index))
        for _ in range(_MAX_HOPS):  # a parameter handed on to such a function of the module
            if not self._hand_on(found):
                break
        return found

    def _hand_on(self, found: Dict[str, Dict[str, Tuple[Reach, int]]]) -> bool:
        grown = False
        for call, unit, _ in self.calls:
            callee = self.lookup(call.func) if isinstance(call.func, cst.Name) else None
            reached = found.get(callee.node.name.value) if isinstance(callee, Unit) and module_function(callee) else None
            if not reached:
                continue
            for name, arg in _arguments(call, dict(enumerate(_positional_names(callee.node)))):
                if name not in reached or not isinstance(arg.value, cst.Name):
                    continue
                function = self.names.parameter_of(arg.value)
                if not module_function(self.unit_of.get(function) if function is not None else None):
                    continue
                mine = _positional_names(function)
                index = mine.index(arg.value.value) if arg.value.value in mine else -1
                held = found.setdefault(function.name.value, {})
                if arg.value.value not in held:
                    held[arg.value.value] = (reached[name][0], index)
                    grown = True
        return grown

    def _hub_output(self, value, unit: Unit) -> bool:
        """What only a hub layer's call gives: that call fails first (and is reported)."""
        if isinstance(value, cst.Name):
            sites = self.names.sites(value)
            return bool(sites) and all(site.kind == VALUE and self._hub_output(site.value, unit)
                                       for site in sites)
        return isinstance(value, cst.Call) and self.kind(value.func, unit) == HUB

    def _added_hub(self, call: cst.Call, added, unit: Unit) -> Optional[cst.CSTNode]:
        """The hub layer `.add(x)` adds: x itself, or for `for x in [...]: model.add(x)` (the
        call right in the loop's body) the first hub layer of the list."""
        if self.kind(added, unit) == HUB:
            return added
        sites = self.names.sites(added) if isinstance(added, cst.Name) else None
        if not sites or len(sites) != 1 or sites[0].kind != LOOP:
            return None
        if self.unit_of.get(self.names.scope_node(sites[0].scope)) is not unit:
            return None
        if not self._directly_in_loop(call, sites[0].value):
            return None
        return next((e for e in self.elements(sites[0].value, unit) if self.kind(e, unit) == HUB), None)

    def _directly_in_loop(self, call: cst.Call, iterable) -> bool:
        body = self.body_of_call.get(id(call))
        return any(isinstance(node, cst.For) and node.iter is iterable and node.body is body
                   for node in self.block_of)

    def span_call(self, reach: Reach) -> cst.Call:
        """The call a finding is shown on: the hub layer's own call when it is one."""
        if isinstance(reach.hub, cst.Call) and id(reach.hub) in self.ordinal_of:
            return reach.hub
        return reach.call

    # -- hub layers held by Keras 3 subclasses ------------------------------------------
    def held_hub_layers(self, spell: Callable[[Optional[str]], str]) -> List[HeldHubLayer]:
        """Trainable hub layers stored on `self` by a Keras 3 Model or Layer subclass."""
        found = []
        for value, unit, _ in self.self_attributes:
            cls = method_owner(unit)
            call = self._hub_call(value)
            if cls is None or call is None or not _trainable_true(call):
                continue
            base = self.keras3_base(cls)
            if base is not None:
                found.append(HeldHubLayer(call, value, unit, cls, spell(base)))
        return found

    def _hub_call(self, value) -> Optional[cst.Call]:
        if isinstance(value, cst.Name):
            found = self.lookup(value)
            value = found[0] if isinstance(found, tuple) else None
        if isinstance(value, cst.Call) and (self.path(value.func) in KERAS_LAYER_PATHS
                                            or self._hub_subclass(value.func)):
            return value
        return None

    def keras3_base(self, cls: cst.ClassDef, depth: int = 0) -> Optional[str]:
        """The path of the Keras 3 Model or Layer a class of the file derives from (through
        the file's classes, and those of other project modules)."""
        for base in cls.bases:
            if base.keyword is not None or depth > 4:
                continue
            path = self.path(base.value)
            if self.keras3(path) in MODEL_NAMES + LAYER_NAMES:
                return path
            callee = self.project_callee(base.value)
            inherited = callee.models.keras3_classes.get(callee.name) if callee is not None else None
            # read as this file reads Keras: its switch makes the other module's tf.keras tf-keras too
            if inherited is not None and self.keras3(inherited) in MODEL_NAMES + LAYER_NAMES:
                return inherited
            sites = self.names.sites(base.value) if isinstance(base.value, cst.Name) else None
            if sites and len(sites) == 1 and isinstance(sites[0].value, cst.ClassDef):
                inherited = self.keras3_base(sites[0].value, depth + 1)
                if inherited is not None:
                    return inherited
        return None

    def instances(self, cls: cst.ClassDef) -> List[Tuple[cst.Call, Unit]]:
        """The calls of this file that make an instance of `cls`."""
        found = []
        for call, unit, _ in self.calls:
            if isinstance(call.func, cst.Name):
                sites = self.names.sites(call.func)
                if sites and len(sites) == 1 and sites[0].value is cls:
                    found.append((call, unit))
        return found

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
                if unit is reach.unit and self.keras3(self.path(call.func)) in MODEL_NAMES]

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


def module_function(unit: Optional[Unit]) -> bool:
    """A function defined at a module's top (not a method, not nested)."""
    return (unit is not None and unit.kind == "function" and unit.cls is None
            and unit.parent is not None and unit.parent.kind == "module")


def _arguments(call: cst.Call, positional: Dict[int, str]):
    """(parameter name, argument) for a call's arguments up to a `*args` (after it positions
    are not known): a keyword by its name, a positional one by `positional[position]`."""
    for position, arg in enumerate(call.args):
        if arg.star:
            break
        name = arg.keyword.value if arg.keyword is not None else positional.get(position)
        if name is not None:
            yield name, arg


def _positional_names(function: cst.FunctionDef) -> List[str]:
    params = function.params
    return [p.name.value for p in (*params.posonly_params, *params.params)]


def _trainable_true(call: cst.Call) -> bool:
    return any(arg.keyword is not None and arg.keyword.value == "trainable"
               and isinstance(arg.value, cst.Name) and arg.value.value == "True" for arg in call.args)


def _structure_values(expr) -> List[cst.CSTNode]:
    """The values of a list, tuple or dict display, or of `dict(k=v, ...)`."""
    if isinstance(expr, cst.Dict):
        return [e.value for e in expr.elements if isinstance(e, cst.DictElement)]
    if isinstance(expr, cst.Call):
        return [a.value for a in expr.args if a.keyword is not None]
    return [e.value for e in expr.elements if isinstance(e, cst.Element)]


def _names_read(node: cst.CSTNode) -> set:
    found = set()

    class Reads(cst.CSTVisitor):
        def visit_Name(self, name):
            found.add(name.value)

    walk(node, Reads())
    return found


def _statement_of(call: cst.Call, unit: Unit) -> Optional[cst.CSTNode]:
    """The small statement whose value is `call` itself, if any."""
    finder = _ValueStatement(call)
    walk(unit.node, finder)
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
