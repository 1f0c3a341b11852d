"""Keras objects (optimizers, metrics, models) made outside a strategy scope and handed to
a `compile(...)` inside one: the value graph of the Keras scope rules (HDL203+).

`CompileGraph` is a `ValueGraph` whose makers are Keras classes (from `keras_facts`) and
which also records, per unit and name, where a name is handed to `compile`: as the
optimizer (`optimizer=` or the first argument), in `metrics=` / `weighted_metrics=`
(the name itself or an element of a list, tuple or dict), or as the receiver
(`model.compile(...)`), each with the strategy scope it happens in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

import libcst as cst

from .deliberate import value_sites
from .names import VALUE, Names
from .receivers import StrategyReceivers
from .scoped_values import IN, OUT, ScopedValue, ScopeProof, Unit, ValueGraph

OPTIMIZER, METRIC, RECEIVER = "optimizer", "metric", "receiver"
_METRIC_KEYWORDS = ("metrics", "weighted_metrics")


@dataclass(frozen=True)
class CompileCall:
    """A `.compile(...)` call: its receiver and the optimizer it is given (None: none, so
    compile makes its default one where it runs)."""

    receiver: cst.CSTNode
    optimizer: Optional[cst.CSTNode]
    unit: Unit
    in_scope: bool


@dataclass(frozen=True)
class Binding:
    """Where `name = <value>` runs: its unit, and whether inside a scope there."""

    unit: Unit
    in_scope: bool


@dataclass(frozen=True)
class CompileUse:
    """`name` handed to a `.compile(...)` call as `role`, at statement `order`."""

    order: int
    scope: Optional[str]  # the strategy expression of the innermost scope, None outside
    role: str
    call: cst.Call
    name: cst.Name  # the read handed to compile


class CompileGraph(ValueGraph):
    def __init__(self, names: Names, receivers: StrategyReceivers, makers: Mapping[str, str]):
        super().__init__(names, receivers, makers=makers)
        self.compile_uses: Dict[Tuple[int, str], List[CompileUse]] = {}
        self.compiles: Dict[int, CompileCall] = {}  # id(call) ->
        self.bound_at: Dict[int, Binding] = {}  # id(assigned value) -> where it is bound

    def visit_Assign(self, node):
        super().visit_Assign(node)
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self.bound_at[id(node.value)] = Binding(self.stack[-1], self.in_scope())

    def visit_Call(self, node):
        super().visit_Call(node)
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile"):
            return
        if isinstance(func.value, cst.Name):
            self._use(func.value, RECEIVER, node)
        optimizer = None
        for index, arg in enumerate(node.args):
            if not arg.star and (arg.keyword is None and index == 0 or (
                    arg.keyword is not None and arg.keyword.value == "optimizer")):
                optimizer = arg.value
        self.compiles[id(node)] = CompileCall(func.value, optimizer, self.stack[-1], self.in_scope())
        for index, arg in enumerate(node.args):
            keyword = arg.keyword.value if arg.keyword is not None else None
            if arg.star:
                continue
            if keyword == "optimizer" or (keyword is None and index == 0):
                if isinstance(arg.value, cst.Name):
                    self._use(arg.value, OPTIMIZER, node)
            elif keyword in _METRIC_KEYWORDS:
                for name in _names_listed(arg.value):
                    self._use(name, METRIC, node)

    def _use(self, name: cst.Name, role: str, call: cst.Call) -> None:
        scopes = self.scope_stack[-1]
        self.compile_uses.setdefault((id(self.stack[-1]), name.value), []).append(
            CompileUse(self.order, scopes[-1] if scopes else None, role, call, name))

    def compiled_in_scope(self, value: ScopedValue, proof: ScopeProof,
                          role: str) -> Optional[CompileUse]:
        """The first `compile` in a strategy scope the value reaches as `role`: through its
        name, and through returns to callers (`deliberate.value_sites`)."""
        sites = [(value.unit, value.target, value.order)] if value.target else []
        for unit, target, order in value_sites(value, proof) or ():
            if target not in unit.returns:  # else handed on again: its uses are not shown
                sites.append((unit, target, order))
        for unit, target, order in sites:
            for use in self.compile_uses.get((id(unit), target), ()):
                if (use.order > order and use.role == role
                        and (use.scope is not None or proof.point(unit, False) == IN)
                        and self._holds_only(use.name, value, unit is value.unit)):
                    return use
        return None

    def origin(self, node: Optional[cst.CSTNode], proof: ScopeProof,
               outside: Mapping[int, ScopedValue]) -> Optional[str]:
        """Where what a compile call is given (its receiver or optimizer) was made: IN the
        scope, OUT (one of `outside`, by id of its call), or None when not shown. No
        optimizer, a string or a call in the arguments: compile makes it, where it runs."""
        if node is None or isinstance(node, (cst.SimpleString, cst.ConcatenatedString,
                                             cst.FormattedString, cst.Call)):
            return IN
        if not isinstance(node, cst.Name):
            return None
        sites = self.names.sites(node)
        if not sites or len(sites) != 1 or sites[0].kind != VALUE:
            return None
        held = sites[0].value
        if id(held) in outside:
            return OUT
        binding = self.bound_at.get(id(held))
        if binding is not None and proof.point(binding.unit, binding.in_scope) == IN:
            return IN
        return None

    def _holds_only(self, read: cst.Name, value: ScopedValue, same_unit: bool) -> bool:
        """The name read is bound once where it is read: to the value's call itself, or (in
        a caller of the function returning it) to one call."""
        sites = self.names.sites(read)
        if not sites or len(sites) != 1 or sites[0].kind != VALUE:
            return False
        held = sites[0].value
        return held is value.call if same_unit else isinstance(held, cst.Call)


def outside_every_scope(value: ScopedValue, proof: ScopeProof) -> bool:
    """The module proves the making runs outside every strategy scope."""
    return not value.in_scope and proof.point(value.unit, False) == OUT


def _names_listed(node: cst.CSTNode) -> List[cst.Name]:
    if isinstance(node, cst.Name):
        return [node]
    if isinstance(node, (cst.List, cst.Tuple)):
        return [e.value for e in node.elements
                if isinstance(e, cst.Element) and isinstance(e.value, cst.Name)]
    if isinstance(node, cst.Dict):
        found = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                found.extend(_names_listed(element.value))
        return found
    return []
