"""Where values are made relative to strategy scopes, in one module.

`ValueGraph` walks the module once and records, per unit of code (module,
function, lambda, class body): the strategies it creates, the `with <s>.scope():`
blocks it enters, the calls it makes (to resolve builders), the values made by the
maker calls it is given (`ScopedValue`: hub models and layers by default; Keras models
and optimizers are next), and the reads of every name (with the scope they happen in).
`ScopeProof` then answers, for a point of a unit, whether the module proves it runs
inside a strategy scope ('in'), outside every one ('out'), or cannot tell (None).

Shared by the hub-scope rules (HDL2xx) and the Keras 3 rules: both need "what does
this name hold, and where is it used". Names are resolved by `names.Names`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Set, Tuple

import libcst as cst

from ..cst_walk import walk
from ..imports import OutsideImports, dotted_name
from .receivers import StrategyReceivers, Verdict
from .names import DEFINITION, VALUE, Names
from .strategies import is_constructor, is_get_strategy, scope_receiver, strategy_named

# maker callee path -> how messages name it
HUB_MAKERS = {
    "tensorflow_hub.load": "hub.load",
    "tensorflow_hub.KerasLayer": "hub.KerasLayer",
    "tensorflow_hub.Module": "hub.Module",
}
# Pipeline methods whose function argument runs inside tf.data, where the hub docs
# say preprocessing models belong (outside any strategy scope).
PIPELINE_METHODS = {"map", "flat_map", "interleave", "filter", "parallel_interleave"}

IN, OUT = "in", "out"


@dataclass(frozen=True)
class Creation:
    """`name = <strategy constructor>(...)` at statement `order`, in body `block`.

    `block` is None for a strategy that is a parameter proven fresh at every call.
    """

    order: int
    name: str
    block: Optional[cst.CSTNode]


@dataclass(frozen=True)
class CallSite:
    """A call of a function of this module, as seen from the calling unit."""

    key: tuple  # ("name", callee name, unit) or ("method", name, class node)
    in_scope: bool
    targets: Optional[Tuple[str, ...]]  # names the result is assigned to (a tuple unpacks)
    order: int
    call: cst.Call


# How a read uses a value (measured under TF 2.21, see rules/hub_scope.py):
CALLED = "called"  # `x(...)` on a tensor: runs a restored function now, in this context
SYMBOLIC = "symbolic"  # `x(inputs)` on a `keras.Input`: builds a model
TRAINED = "trained"  # `x.trainable_variables`, `x.compile(...)`, `x.fit(...)`
OTHER_ATTRIBUTE = "attribute"  # `x.signatures[...]`, `x.predict(...)`: uses it, eagerly
PASSED = "passed"  # anything else: an argument, a list element, ... (a model is built)
_TRAINING_ATTRIBUTES = {"trainable_variables", "trainable_weights",
                        "compile", "fit", "train_on_batch"}


@dataclass(frozen=True)
class NameRead:
    order: int
    scope: Optional[str]  # the strategy expression of the innermost scope, None outside
    kind: str = PASSED
    # where a PASSED value goes: `model` in `model = Sequential([x])` or `model.add(x)`
    holder: Optional[str] = None


@dataclass(eq=False)
class Unit:
    """A body of code that runs as one: the module, a function, a lambda, a class body."""

    node: cst.CSTNode
    kind: str  # module | function | lambda | class
    parent: Optional["Unit"]
    cls: Optional[cst.ClassDef] = None  # for methods: the class they belong to
    defs: Dict[str, List["Unit"]] = field(default_factory=dict)  # nested functions by name
    creations: List[Creation] = field(default_factory=list)
    calls: List[CallSite] = field(default_factory=list)
    made: List["ScopedValue"] = field(default_factory=list)
    # names this unit returns: name -> its index in a returned tuple (None: returned whole)
    returns: Dict[str, Optional[int]] = field(default_factory=dict)
    # parameters whose `.scope()` this function enters
    scope_params: Set[str] = field(default_factory=set)
    binds: Set[str] = field(default_factory=set)  # names assigned here or parameters
    opaque: bool = False  # enters a scope some other way: we cannot tell what is inside

    @property
    def name(self) -> str:
        return getattr(getattr(self.node, "name", None), "value", "<module>")


@dataclass(eq=False)
class ScopedValue:
    """A value made by a maker call (`api`: `hub.load`, ...), and where: its unit, whether
    inside a scope there, its statement and the bodies around it, the name it is bound to."""

    call: cst.Call
    api: str
    unit: Unit
    in_scope: bool
    order: int  # statement counter, to compare with strategy creations
    statement: Optional[cst.CSTNode]  # innermost statement holding the call
    block: Optional[cst.CSTNode]  # the body holding `statement`
    blocks: Tuple[cst.CSTNode, ...]  # every enclosing body, innermost last
    target: Optional[str]  # `x` in `x = hub.load(...)`


class ValueGraph(OutsideImports):
    """One walk over the module; see the module docstring for what it records. `makers`:
    the callees whose calls make the values recorded (`made`)."""

    def __init__(self, names: Names, receivers: StrategyReceivers,
                 makers: Mapping[str, str] = HUB_MAKERS):
        super().__init__()
        self.names = names
        self.makers = makers
        self.receivers = receivers
        self.module_unit: Optional[Unit] = None
        self.units: List[Unit] = []
        self.unit_of: Dict[cst.CSTNode, Unit] = {}
        self.stack: List[Unit] = []
        self.scope_stack: List[List[str]] = []  # per unit on the stack: entered scopes
        self.scope_bodies: Dict[cst.CSTNode, str] = {}  # with-body -> strategy expression
        self.statements: List[cst.CSTNode] = []
        self.blocks: List[cst.CSTNode] = []
        self.block_of: Dict[cst.CSTNode, cst.CSTNode] = {}
        self.order = 0
        self.call_funcs: Set[cst.CSTNode] = set()
        self.escaped_names: Set[str] = set()
        self.escaped_methods: Set[Tuple[int, str]] = set()
        self.pipeline_names: Set[str] = set()
        self.made: List[ScopedValue] = []
        self.not_values: Set[cst.CSTNode] = set()  # Name nodes that are not value uses
        self.attribute_of_value: Dict[cst.CSTNode, str] = {}  # `x` in `x.attr` -> attr
        self.call_of_func: Dict[cst.CSTNode, cst.Call] = {}
        self.reads: Dict[Tuple[int, str], List[NameRead]] = {}
        # functions a strategy runs in replica context: `strategy.run(step, ...)`
        self.replica_functions: Set[str] = set()
        self.replica_lambdas: Set[cst.CSTNode] = set()

    # -- queries -------------------------------------------------------------------
    def reads_of(self, unit: Unit, name: str, after: int) -> List[NameRead]:
        return [r for r in self.reads.get((id(unit), name), []) if r.order > after]

    def in_scope(self) -> bool:
        return bool(self.scope_stack[-1])

    def replica_units(self, unit: Unit, name: str) -> List[Unit]:
        """Functions inside `unit` that a strategy runs (`strategy.run(step)`) and that see
        `unit`'s `name` (no function between them binds it), with the units inside them."""
        found = []
        for inner in self.units:
            chain, cursor = [], inner
            while cursor is not None and cursor is not unit:
                chain.append(cursor)
                cursor = cursor.parent
            if cursor is None or not chain or any(name in u.binds for u in chain):
                continue
            if any(u.node in self.replica_lambdas or (u.kind == "function" and u.name in
                                                      self.replica_functions) for u in chain):
                found.append(inner)
        return found

    # -- non-values ----------------------------------------------------------------
    def visit_AssignTarget(self, node):
        if isinstance(node.target, cst.Name):
            self.not_values.add(node.target)
            self.stack[-1].binds.add(node.target.value)

    def visit_Param(self, node):
        self.not_values.add(node.name)
        self.stack[-1].binds.add(node.name.value)

    def visit_Arg(self, node):
        if node.keyword is not None:
            self.not_values.add(node.keyword)

    # -- units ---------------------------------------------------------------------
    def _push(self, node, kind, cls=None):
        parent = self.stack[-1] if self.stack else None
        unit = Unit(node, kind, parent, cls)
        self.units.append(unit)
        self.unit_of[node] = unit
        self.stack.append(unit)
        self.scope_stack.append([])
        return unit

    def _pop(self):
        self.stack.pop()
        self.scope_stack.pop()

    def visit_Module(self, node):
        self.module_unit = self._push(node, "module")
        self.blocks.append(node)

    def leave_Module(self, node):
        self._pop()

    def visit_FunctionDef(self, node):
        self._statement(node)
        self.not_values.add(node.name)
        enclosing = self.stack[-1]
        cls = enclosing.node if enclosing.kind == "class" else None
        unit = self._push(node, "function", cls)
        # a class's defs are its methods; a function's, its nested functions
        enclosing.defs.setdefault(node.name.value, []).append(unit)

    def leave_FunctionDef(self, node):
        self._pop()
        self.statements.pop()

    def visit_Lambda(self, node):
        self._push(node, "lambda")

    def leave_Lambda(self, node):
        self._pop()

    def visit_ClassDef(self, node):
        self._statement(node)
        self.not_values.add(node.name)
        self._push(node, "class")

    def leave_ClassDef(self, node):
        self._pop()
        self.statements.pop()

    # -- statements and blocks -----------------------------------------------------
    def _statement(self, node):
        self.order += 1
        self.statements.append(node)
        self.block_of[node] = self.blocks[-1]

    def on_visit(self, node):
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and not isinstance(
                node, (cst.FunctionDef, cst.ClassDef)):
            self._statement(node)
        elif isinstance(node, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            self.blocks.append(node)
            if node in self.scope_bodies:
                self.scope_stack[-1].append(self.scope_bodies[node])
        return super().on_visit(node)

    def on_leave(self, original_node):
        super().on_leave(original_node)
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and not isinstance(
                original_node, (cst.FunctionDef, cst.ClassDef)):
            self.statements.pop()
        elif isinstance(original_node, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            self.blocks.pop()
            if original_node in self.scope_bodies:
                self.scope_stack[-1].pop()

    # -- strategies and scopes -------------------------------------------------------
    def is_strategy(self, node) -> bool:
        if strategy_named(node):
            # a hint the file may contradict (`retry_strategy = RetryStrategy()`)
            return self.receivers.verdict(node) is not Verdict.CONTRADICTED
        if isinstance(node, cst.Name):
            return any(isinstance(value, cst.Call) and is_constructor(self.names.path_of(value.func))
                       for value in self.held(node))
        if isinstance(node, cst.Call):
            path = self.names.path_of(node.func)
            return is_constructor(path) or is_get_strategy(path)
        return False

    def _scope_of_item(self, node) -> Optional[str]:
        """The strategy expression an item of a `with` header enters the scope of."""
        receiver = scope_receiver(node)
        if receiver is not None:
            return _spelling(receiver) if self.is_strategy(receiver) else None
        if isinstance(node, cst.Name):  # `s = strategy.scope()` ... `with s:`
            for value in self.held(node):
                receiver = scope_receiver(value)
                if receiver is not None and self.is_strategy(receiver):
                    return _spelling(receiver)
        return None

    def held(self, name: cst.Name) -> List[cst.CSTNode]:
        """The values assigned to what this read of a name gets (names.Names resolves it)."""
        return [site.value for site in self.names.sites(name) or () if site.kind == VALUE]

    def visit_With(self, node):
        for item in node.items:
            entered = self._scope_of_item(item.item)
            if entered is not None:
                self.scope_bodies[node.body] = entered
                self._note_scope_param(item.item)
                return

    def _note_scope_param(self, item) -> None:
        receiver = scope_receiver(item)
        unit = self.stack[-1]
        if isinstance(receiver, cst.Name) and unit.kind == "function":
            params = unit.node.params
            if any(p.name.value == receiver.value for p in (*params.posonly_params, *params.params,
                                                             *params.kwonly_params)):
                unit.scope_params.add(receiver.value)

    def visit_Assign(self, node):
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        unit = self.stack[-1]
        value = node.value
        if isinstance(value, cst.Call) and is_constructor(self.names.path_of(value.func)):
            unit.creations.append(Creation(self.order, name,
                                           self.block_of.get(self.statements[-1])))

    def visit_Return(self, node):
        value = node.value
        unit = self.stack[-1]
        if isinstance(value, cst.Name):
            unit.returns.setdefault(value.value, None)
        elif isinstance(value, cst.Tuple):
            for index, element in enumerate(value.elements):
                if isinstance(element.value, cst.Name):
                    unit.returns.setdefault(element.value.value, index)

    # -- calls -------------------------------------------------------------------------
    def visit_Call(self, node):
        self.call_funcs.add(node.func)
        self.call_of_func[node.func] = node
        unit = self.stack[-1]
        in_scope = self.in_scope()
        func = node.func
        receiver = scope_receiver(node)
        if receiver is not None and self.is_strategy(receiver) and not self._in_with_header(node):
            # `.scope()` outside a `with` header: entered by hand (enter_context,
            # __enter__): nothing in this unit can be told apart any more.
            unit.opaque = True
        if (isinstance(func, cst.Attribute) and func.attr.value == "run" and node.args
                and self.is_strategy(func.value)):
            first = node.args[0].value
            if isinstance(first, cst.Name):
                self.replica_functions.add(first.value)
            elif isinstance(first, cst.Lambda):
                self.replica_lambdas.add(first)
        if isinstance(func, cst.Attribute) and func.attr.value in PIPELINE_METHODS:
            for arg in node.args:
                self.pipeline_names |= names_in(arg.value)
        statement = self.statements[-1] if self.statements else None
        api = self.makers.get(self.names.path_of(func) or "")
        if api is not None:
            names = assigned_names(statement)
            hub = ScopedValue(node, api, unit, in_scope, self.order, statement,
                          self.block_of.get(statement), tuple(self.blocks),
                          names[0] if names and len(names) == 1 else None)
            self.made.append(hub)
            unit.made.append(hub)
            return
        key = None
        if isinstance(func, cst.Name):
            key = ("name", func.value, unit)
        elif (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
              and func.value.value == "self"):
            method_of = method_owner(unit)
            if method_of is not None:
                key = ("method", func.attr.value, method_of)
        if key is not None:
            unit.calls.append(CallSite(key, in_scope, assigned_names(statement), self.order, node))

    def _in_with_header(self, call) -> bool:
        statement = self.statements[-1] if self.statements else None
        return isinstance(statement, cst.With) and any(
            item.item is call for item in statement.items)

    def visit_Name(self, node):
        if node not in self.not_values:
            unit = self.stack[-1]
            scopes = self.scope_stack[-1]
            kind = self._read_kind(node)
            self.reads.setdefault((id(unit), node.value), []).append(
                NameRead(self.order, scopes[-1] if scopes else None, kind,
                         self._holder() if kind in (PASSED, SYMBOLIC) else None))
        if node not in self.call_funcs and node not in self.not_values:
            self.escaped_names.add(node.value)

    def _read_kind(self, node: cst.Name) -> str:
        attribute = self.attribute_of_value.get(node)
        if attribute is not None:
            return TRAINED if attribute in _TRAINING_ATTRIBUTES else OTHER_ATTRIBUTE
        call = self.call_of_func.get(node)
        if call is None:
            return PASSED
        first = call.args[0].value if call.args else None
        if isinstance(first, cst.Name) and self._is_keras_input(first):
            return SYMBOLIC
        return CALLED

    def _holder(self) -> Optional[str]:
        """The name the current statement stores into: `m` in `m = f(...)`, `m.add(...)`."""
        statement = self.statements[-1] if self.statements else None
        names = assigned_names(statement)
        if names is not None:
            return names[0] if len(names) == 1 else None
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)
                    and isinstance(small.value.func, cst.Attribute)
                    and isinstance(small.value.func.value, cst.Name)):
                return small.value.func.value.value
        return None

    def _is_keras_input(self, name: cst.Name) -> bool:
        """`x` in `x = keras.Input(...)` (any callee spelled `...Input`)."""
        return any(isinstance(value, cst.Call) and _last_part(value.func) == "Input"
                   for value in self.held(name))

    def visit_Attribute(self, node):
        self.attribute_of_value[node.value] = node.attr.value
        self.not_values.add(node.attr)
        if (node not in self.call_funcs and isinstance(node.value, cst.Name)
                and node.value.value == "self"):
            owner = method_owner(self.stack[-1])
            if owner is not None:
                self.escaped_methods.add((id(owner), node.attr.value))


def method_owner(unit: Optional[Unit]) -> Optional[cst.ClassDef]:
    while unit is not None and unit.kind != "function":
        unit = unit.parent
    return unit.cls if unit is not None else None


def names_in(node: cst.CSTNode) -> Set[str]:
    found: Set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_Name(self, name):
            found.add(name.value)

    walk(node, Names())
    return found


def assigned_names(statement) -> Optional[Tuple[str, ...]]:
    """(`x`,) for `x = ...` or `self.x = ...`; (`a`, `b`) for `a, b = ...`; else None."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return None
    small = statement.body[0]
    if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
        return None
    target = small.targets[0].target
    if isinstance(target, cst.Name):
        return (target.value,)
    if isinstance(target, cst.Attribute):
        return (target.attr.value,)
    if isinstance(target, (cst.Tuple, cst.List)) and all(
            isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in target.elements):
        return tuple(e.value.value for e in target.elements)
    return None


def _last_part(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else None


def _spelling(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


class ScopeProof:
    """Where the module proves a unit's code runs: 'in', 'out' or unknown (None)."""

    def __init__(self, graph: ValueGraph):
        self.graph = graph
        self.callers: Dict[int, List[Tuple[Unit, CallSite]]] = {}
        self.ambiguous: Set[int] = set()
        for unit in graph.units:
            for site in unit.calls:
                for callee in self._resolve(site):
                    self.callers.setdefault(id(callee), []).append((unit, site))
        self._memo: Dict[int, Optional[str]] = {}
        for unit in graph.units:
            self._adopt_fresh_parameters(unit)

    def _resolve(self, site: CallSite) -> List[Unit]:
        kind, name, where = site.key
        if kind == "name":  # the functions of this file the callee's name may be bound to
            graph = self.graph
            found = [graph.unit_of[s.value] for s in graph.names.sites(site.call.func) or ()
                     if s.kind == DEFINITION and s.value in graph.unit_of
                     and graph.unit_of[s.value].kind == "function"]
            if len(found) > 1:
                self.ambiguous.update(id(u) for u in found)
            return found
        cls_unit = self.graph.unit_of.get(where)
        found = cls_unit.defs.get(name, []) if cls_unit is not None else []
        if len(found) > 1:
            self.ambiguous.update(id(u) for u in found)
        return found

    def _adopt_fresh_parameters(self, unit: Unit) -> None:
        """`build(tf.distribute.MirroredStrategy())`: inside build(), its strategy
        parameter is a strategy made for this call, whose scope nothing has entered
        before build() does: code of build() outside that `with` runs outside it."""
        if unit.kind != "function" or unit.creations or len(unit.scope_params) != 1:
            return
        if not self._callable_only_here(unit):
            return
        param = next(iter(unit.scope_params))
        sites = self.callers.get(id(unit), [])
        if sites and all(self._passes_fresh(unit, site.call, param) for _, site in sites):
            unit.creations.append(Creation(0, param, None))

    def _passes_fresh(self, unit: Unit, call: cst.Call, param: str) -> bool:
        params = unit.node.params
        positional = [p.name.value for p in (*params.posonly_params, *params.params)]
        if unit.cls is not None and positional:
            positional = positional[1:]  # self
        for index, arg in enumerate(call.args):
            if arg.star:
                return False
            name = arg.keyword.value if arg.keyword is not None else (
                positional[index] if index < len(positional) else None)
            if name == param:
                return isinstance(arg.value, cst.Call) and is_constructor(
                    self.graph.names.path_of(arg.value.func))
        return False

    def _callable_only_here(self, unit: Unit) -> bool:
        """Not passed around, decorated or defined twice: its call sites are all seen."""
        if id(unit) in self.ambiguous or unit.opaque:
            return False
        name = unit.node.name.value
        if unit.cls is not None:
            if (id(unit.cls), name) in self.graph.escaped_methods:
                return False
        elif name in self.graph.escaped_names:
            return False
        return not any(isinstance(d.decorator, (cst.Name, cst.Attribute, cst.Call)) and
                       not _harmless_decorator(d.decorator) for d in unit.node.decorators)

    def status(self, unit: Unit) -> Optional[str]:
        """'in' if every entry to the unit is inside a scope, 'out' if every one is outside."""
        key = id(unit)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # recursion: unknown
        self._memo[key] = result = self._status(unit)
        return result

    def _status(self, unit: Unit) -> Optional[str]:
        if unit.kind != "function" or not self._callable_only_here(unit):
            return None
        sites = self.callers.get(id(unit), [])
        if not sites:
            return None
        verdicts = {self.point(caller, site.in_scope) for caller, site in sites}
        return verdicts.pop() if len(verdicts) == 1 else None

    def point(self, unit: Unit, in_scope: bool) -> Optional[str]:
        """Whether code at a point of `unit` runs inside a scope."""
        if in_scope:
            return IN
        if unit.opaque:
            return None
        if unit.kind == "module":
            return OUT if self.graph.module_unit.creations else None
        if unit.kind == "function":
            if unit.creations:
                return OUT
            return self.status(unit)
        return None


def _harmless_decorator(node) -> bool:
    name = node.func if isinstance(node, cst.Call) else node
    text = dotted_name(name) or ""
    return text.endswith(("function", "staticmethod", "classmethod", "property"))
