"""HDL2xx: TensorFlow Hub models loaded outside the distribution strategy's scope.

`hub.load(...)` / `hub.KerasLayer(...)` create variables. Outside
`with strategy.scope():` they are plain variables, not mirrored ones: with tf-keras,
`compile` then raises "Variable ... was not created in the distribution strategy
scope", and a loaded model silently trains one replica's copy.

Precision first. A call is reported only when the module itself proves it runs
outside every scope: in the function (or module level) that creates the strategy
but outside its `with` block, or in a function every call site of which, in this
module, is itself proven outside. Builders never called here, methods called only
inside a scope, strategies known only as parameters: no finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set, Tuple

import libcst as cst

from ..diagnostics import Diagnostic, Fix
from ..strategies import (Aliases, is_constructor, is_get_strategy, scope_receiver,
                          strategy_named)
from .base import Checker, Invalid, Rule

HUB_APIS = {
    "tensorflow_hub.load": "hub.load",
    "tensorflow_hub.KerasLayer": "hub.KerasLayer",
    "tensorflow_hub.Module": "hub.Module",
}
# Pipeline methods whose function argument runs inside tf.data, where the hub docs
# say preprocessing models belong (outside any strategy scope).
_PIPELINE_METHODS = {"map", "flat_map", "interleave", "filter", "parallel_interleave"}

_EXAMPLE_BAD = '''\
import tensorflow as tf
import tensorflow_hub as hub
import tf_keras

strategy = tf.distribute.MirroredStrategy()
layer = hub.KerasLayer("model", trainable=True)
with strategy.scope():
    model = tf_keras.Sequential([tf_keras.Input((4,)), layer])
'''
_EXAMPLE_FIXED = '''\
import tensorflow as tf
import tensorflow_hub as hub
import tf_keras

strategy = tf.distribute.MirroredStrategy()
with strategy.scope():
    layer = hub.KerasLayer("model", trainable=True)
    model = tf_keras.Sequential([tf_keras.Input((4,)), layer])
'''


class HubLoadOutsideScope(Rule):
    code = "HDL201"
    name = "hub-load-outside-strategy-scope"
    summary = "hub.load() (or hub.Module) runs outside the distribution strategy's scope"
    explanation = """\
`hub.load()` restores the model's variables where it is called. Outside
`with strategy.scope():` they are ordinary variables, not `MirroredVariable`s: the
model is not distributed, and training updates one replica's copy. Reported only when
the module shows the call running outside every scope (the strategy is created in the
same function, or every call of the enclosing function in this module is outside a
scope). Preprocessing models used in `tf.data` pipelines (`dataset.map`) are meant
to stay outside and are not reported; neither is `hub.resolve()`.

The fix wraps the statement in `with <strategy>.scope():`, or moves it into an
adjacent scope block, when the strategy is created earlier in the same function."""
    fix_availability = "sometimes"
    VALID = (
        "import tensorflow as tf\nimport tensorflow_hub as hub\n"
        "strategy = tf.distribute.MirroredStrategy()\n"
        "with strategy.scope():\n    model = hub.load('m')\n",
        "import tensorflow_hub as hub\nmodel = hub.load('m')  # no strategy in play\n",
        "import tensorflow_hub as hub\n\n\ndef build():\n    return hub.load('m')  # callers decide\n",
    )
    INVALID = (
        Invalid(
            "import tensorflow as tf\nimport tensorflow_hub as hub\n"
            "strategy = tf.distribute.MirroredStrategy()\nmodel = hub.load('m')\n",
            "import tensorflow as tf\nimport tensorflow_hub as hub\n"
            "strategy = tf.distribute.MirroredStrategy()\n"
            "with strategy.scope():\n    model = hub.load('m')\n",
        ),
    )


class HubKerasLayerOutsideScope(Rule):
    code = "HDL202"
    name = "hub-keras-layer-outside-strategy-scope"
    summary = "hub.KerasLayer() is created outside the distribution strategy's scope"
    explanation = """\
`hub.KerasLayer(...)` creates its variables when it is constructed. Created outside
`with strategy.scope():` and used in a model built inside it, tf-keras's `compile`
raises `ValueError: Variable (...) was not created in the distribution strategy scope
of (...)`. Same proof rules and fix as HDL201."""
    fix_availability = "sometimes"
    VALID = (
        "import tensorflow as tf\nimport tensorflow_hub as hub\n"
        "strategy = tf.distribute.MirroredStrategy()\n"
        "with strategy.scope():\n    layer = hub.KerasLayer('m')\n",
        "import tensorflow as tf\nimport tensorflow_hub as hub\n"
        "strategy = tf.distribute.MirroredStrategy()\n"
        "preprocess = hub.KerasLayer('m')\n"
        "ds = tf.data.Dataset.from_tensor_slices(['a']).map(lambda x: preprocess(x))\n",
    )
    INVALID = (Invalid(_EXAMPLE_BAD, _EXAMPLE_FIXED),)


_RULE_FOR = {"hub.load": HubLoadOutsideScope, "hub.Module": HubLoadOutsideScope,
             "hub.KerasLayer": HubKerasLayerOutsideScope}


@dataclass(eq=False)
class Unit:
    """A body of code that runs as one: the module, a function, a lambda, a class body."""

    node: cst.CSTNode
    kind: str  # module | function | lambda | class
    parent: Optional["Unit"]
    cls: Optional[cst.ClassDef] = None  # for methods: the class they belong to
    defs: Dict[str, List["Unit"]] = field(default_factory=dict)  # nested functions by name
    # (order, name, block) of `name = <strategy constructor>(...)`
    creations: List[Tuple[int, str, cst.CSTNode]] = field(default_factory=list)
    # (callee key, in scope, name the result is assigned to, statement order)
    calls: List[Tuple[object, bool, Optional[str], int]] = field(default_factory=list)
    hub_calls: List["HubCall"] = field(default_factory=list)
    opaque: bool = False  # enters a scope some other way: we cannot tell what is inside


@dataclass(eq=False)
class HubCall:
    call: cst.Call
    api: str
    unit: Unit
    in_scope: bool
    ordinal: int  # index among all calls of the file, for the position
    order: int  # statement counter, to compare with strategy creations
    statement: Optional[cst.CSTNode]  # innermost statement holding the call
    block: Optional[cst.CSTNode]  # the body holding `statement`
    blocks: Tuple[cst.CSTNode, ...]  # every enclosing body, innermost last
    target: Optional[str]  # `x` in `x = hub.load(...)`


class HubAnalyzer(cst.CSTVisitor):
    """One walk of a module: its units (module, functions, lambdas, classes), the hub calls
    in each with the name they are assigned to, strategies and their scopes. The Keras 3
    rules (keras3.py) extend it to follow hub layers into models."""

    def __init__(self, aliases: Aliases):
        super().__init__()
        self.aliases = aliases
        self.module_unit: Optional[Unit] = None
        self.units: List[Unit] = []
        self.unit_of: Dict[cst.CSTNode, Unit] = {}
        self.stack: List[Unit] = []
        self.depth: List[int] = []  # scope-with nesting per unit on the stack
        self.scope_bodies: Set[cst.CSTNode] = set()
        self.scope_vars: Set[Tuple[int, str]] = set()  # (id(unit), name) of `s = x.scope()`
        self.strategy_vars: Set[Tuple[int, str]] = set()
        self.statements: List[cst.CSTNode] = []
        self.blocks: List[cst.CSTNode] = []
        self.block_of: Dict[cst.CSTNode, cst.CSTNode] = {}
        self.order = 0
        self.call_count = 0
        self.call_funcs: Set[cst.CSTNode] = set()
        self.escaped_names: Set[str] = set()
        self.escaped_methods: Set[Tuple[int, str]] = set()
        self.pipeline_names: Set[str] = set()
        self.hub_calls: List[HubCall] = []
        self.not_values: Set[cst.CSTNode] = set()  # Name nodes that are not value uses
        # (id(unit), name) -> [(statement order, inside a scope)] for every read of the name
        self.uses: Dict[Tuple[int, str], List[Tuple[int, bool]]] = {}

    def visit_AssignTarget(self, node):
        if isinstance(node.target, cst.Name):
            self.not_values.add(node.target)

    def visit_Param(self, node):
        self.not_values.add(node.name)

    def visit_Arg(self, node):
        if node.keyword is not None:
            self.not_values.add(node.keyword)

    def visit_Import(self, node):
        return False

    def visit_ImportFrom(self, node):
        return False

    # -- units ---------------------------------------------------------------
    def _push(self, node, kind, cls=None):
        parent = self.stack[-1] if self.stack else None
        unit = Unit(node, kind, parent, cls)
        self.units.append(unit)
        self.unit_of[node] = unit
        self.stack.append(unit)
        self.depth.append(0)
        return unit

    def _pop(self):
        self.stack.pop()
        self.depth.pop()

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

    # -- statements and blocks -----------------------------------------------
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
                self.depth[-1] += 1
        return super().on_visit(node)

    def on_leave(self, original_node):
        super().on_leave(original_node)
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and not isinstance(
                original_node, (cst.FunctionDef, cst.ClassDef)):
            self.statements.pop()
        elif isinstance(original_node, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            self.blocks.pop()
            if original_node in self.scope_bodies:
                self.depth[-1] -= 1

    # -- strategies and scopes -------------------------------------------------
    def _is_strategy(self, node) -> bool:
        if strategy_named(node):
            return True
        unit = self.stack[-1]
        if isinstance(node, cst.Name):
            while unit is not None:
                if (id(unit), node.value) in self.strategy_vars:
                    return True
                unit = unit.parent
            return False
        if isinstance(node, cst.Call):
            path = self.aliases.resolve(node.func)
            return is_constructor(path) or is_get_strategy(path)
        return False

    def _is_scope_item(self, node) -> bool:
        receiver = scope_receiver(node)
        if receiver is not None:
            return self._is_strategy(receiver)
        if isinstance(node, cst.Name):
            unit = self.stack[-1]
            while unit is not None:
                if (id(unit), node.value) in self.scope_vars:
                    return True
                unit = unit.parent
        return False

    def visit_With(self, node):
        if any(self._is_scope_item(item.item) for item in node.items):
            self.scope_bodies.add(node.body)

    def visit_Assign(self, node):
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        unit = self.stack[-1]
        value = node.value
        receiver = scope_receiver(value)
        if receiver is not None and self._is_strategy(receiver):
            self.scope_vars.add((id(unit), name))
        elif isinstance(value, cst.Call) and is_constructor(self.aliases.resolve(value.func)):
            self.strategy_vars.add((id(unit), name))
            unit.creations.append((self.order, name, self.block_of.get(self.statements[-1])))

    # -- calls -----------------------------------------------------------------
    def visit_Call(self, node):
        ordinal = self.call_count
        self.call_count += 1
        self.call_funcs.add(node.func)
        unit = self.stack[-1]
        in_scope = self.depth[-1] > 0
        func = node.func
        receiver = scope_receiver(node)
        if receiver is not None and self._is_strategy(receiver):
            # `.scope()` outside a `with` header: entered by hand (enter_context,
            # __enter__): nothing in this unit can be told apart any more.
            if not self._in_with_header(node):
                unit.opaque = True
        if isinstance(func, cst.Attribute) and func.attr.value in _PIPELINE_METHODS:
            for arg in node.args:
                for name in _names_in(arg.value):
                    self.pipeline_names.add(name)
        api = HUB_APIS.get(self.aliases.resolve(func) or "")
        if api is not None:
            statement = self.statements[-1] if self.statements else None
            self.hub_calls.append(HubCall(
                node, api, unit, in_scope, ordinal, self.order, statement,
                self.block_of.get(statement), tuple(self.blocks), _assigned_name(statement)))
            unit.hub_calls.append(self.hub_calls[-1])
            return
        target = _assigned_name(self.statements[-1] if self.statements else None)
        if isinstance(func, cst.Name):
            unit.calls.append((("name", func.value, unit), in_scope, target, self.order))
        elif (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
              and func.value.value == "self"):
            method_of = _method_owner(unit)
            if method_of is not None:
                unit.calls.append((("method", func.attr.value, method_of), in_scope, target,
                                   self.order))

    def _in_with_header(self, call) -> bool:
        statement = self.statements[-1] if self.statements else None
        return isinstance(statement, cst.With) and any(
            item.item is call for item in statement.items)

    def visit_Name(self, node):
        if node not in self.not_values:
            unit = self.stack[-1]
            self.uses.setdefault((id(unit), node.value), []).append((self.order, self.depth[-1] > 0))
        if node not in self.call_funcs and node not in self.not_values:
            self.escaped_names.add(node.value)

    def visit_Attribute(self, node):
        self.not_values.add(node.attr)
        if (node not in self.call_funcs and isinstance(node.value, cst.Name)
                and node.value.value == "self"):
            owner = _method_owner(self.stack[-1])
            if owner is not None:
                self.escaped_methods.add((id(owner), node.attr.value))


def _method_owner(unit: Optional[Unit]) -> Optional[cst.ClassDef]:
    while unit is not None and unit.kind != "function":
        unit = unit.parent
    return unit.cls if unit is not None else None


def _names_in(node: cst.CSTNode) -> Set[str]:
    found: Set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_Name(self, name):
            found.add(name.value)

    node.visit(Names())
    return found


def _assigned_name(statement) -> Optional[str]:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = small.targets[0].target
            if isinstance(target, cst.Name):
                return target.value
            if isinstance(target, cst.Attribute):
                return target.attr.value
    return None


class _Proof:
    """Where the module proves a unit's code runs: 'in', 'out' or unknown (None)."""

    def __init__(self, analyzer: HubAnalyzer):
        self.a = analyzer
        self.callers: Dict[int, List[Tuple[Unit, bool, Optional[str], int]]] = {}
        self.ambiguous: Set[int] = set()
        for unit in analyzer.units:
            for key, in_scope, target, order in unit.calls:
                for callee in self._resolve(key):
                    self.callers.setdefault(id(callee), []).append((unit, in_scope, target, order))
        self._memo: Dict[int, Optional[str]] = {}

    def _resolve(self, key) -> List[Unit]:
        kind, name, where = key
        if kind == "name":
            unit = where
            while unit is not None:
                if unit.kind == "class":  # class bodies are not visible from methods
                    unit = unit.parent
                    continue
                found = unit.defs.get(name)
                if found:
                    if len(found) > 1:
                        self.ambiguous.update(id(u) for u in found)
                    return found
                unit = unit.parent
            return []
        cls_unit = self.a.unit_of.get(where)
        found = cls_unit.defs.get(name, []) if cls_unit is not None else []
        if len(found) > 1:
            self.ambiguous.update(id(u) for u in found)
        return found

    def status(self, unit: Unit) -> Optional[str]:
        """'in' if every entry to the unit is inside a scope, 'out' if every one is outside."""
        key = id(unit)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # recursion: unknown
        self._memo[key] = result = self._status(unit)
        return result

    def _status(self, unit: Unit) -> Optional[str]:
        if unit.kind != "function" or unit.opaque or id(unit) in self.ambiguous:
            return None
        name = unit.node.name.value
        if unit.cls is not None:
            if (id(unit.cls), name) in self.a.escaped_methods:
                return None
        elif name in self.a.escaped_names:
            return None  # passed around as a value: called from places we cannot see
        if any(isinstance(d.decorator, (cst.Name, cst.Attribute, cst.Call)) and
               not _harmless_decorator(d.decorator) for d in unit.node.decorators):
            return None
        sites = self.callers.get(id(unit), [])
        if not sites:
            return None
        verdicts = {self.point(caller, in_scope) for caller, in_scope, _, _ in sites}
        return verdicts.pop() if len(verdicts) == 1 else None

    def point(self, unit: Unit, in_scope: bool) -> Optional[str]:
        """Whether code at a point of `unit` runs inside a scope."""
        if in_scope:
            return "in"
        if unit.opaque:
            return None
        if unit.kind == "module":
            return "out" if self.a.module_unit.creations else None
        if unit.kind == "function":
            if unit.creations:
                return "out"
            return self.status(unit)
        return None


def _harmless_decorator(node) -> bool:
    name = node.func if isinstance(node, cst.Call) else node
    text = ".".join(p for p in _dotted(name))
    return text.endswith(("function", "staticmethod", "classmethod", "property"))


def _dotted(node):
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
    return reversed(parts)


class HubScopeChecker(Checker):
    rules = (HubLoadOutsideScope, HubKerasLayerOutsideScope)
    gate = re.compile(r"tensorflow_hub(?s:.*)[Ss][Tt][Rr][Aa][Tt][Ee][Gg][Yy]")

    def check(self, ctx) -> Iterable[Diagnostic]:
        aliases = Aliases(ctx.imports)
        if not any(imp.path == "tensorflow_hub" or imp.path.startswith("tensorflow_hub.")
                   for imp in ctx.imports):
            return
        analyzer = HubAnalyzer(aliases)
        ctx.module.visit(analyzer)
        if not analyzer.hub_calls:
            return
        proof = _Proof(analyzer)
        _close_pipeline_names(analyzer)
        flagged = [h for h in analyzer.hub_calls if self._outside(h, proof, analyzer)]
        if not flagged:
            return
        fixes = _plan_fixes(flagged) if ctx.want_fixes else {}
        for hub in flagged:
            span = ctx.locator.call_span(hub.call, hub.ordinal, analyzer.call_count)
            fix, reason = fixes.get(id(hub), (None, None))
            yield ctx.diagnostic(_RULE_FOR[hub.api], _message(hub), span, fix, reason)

    @staticmethod
    def _outside(hub: HubCall, proof: _Proof, analyzer: HubAnalyzer) -> bool:
        if hub.in_scope:
            return False
        if hub.target and hub.target in analyzer.pipeline_names:
            return False  # a tf.data preprocessor: the hub docs keep it outside
        handle = hub.call.args[0].value if hub.call.args else None
        if isinstance(handle, cst.SimpleString) and "preprocess" in handle.value.lower():
            return False
        if hub.unit.kind == "function" and _preprocessing_name(hub.unit.node.name.value):
            return False
        if hub.api == "hub.KerasLayer" and hub.call.args and isinstance(
                hub.call.args[0].value, cst.Attribute) and not _handle_like(hub.call.args[0].value):
            return False  # wraps a function of an object loaded elsewhere: no variables of its own
        if proof.point(hub.unit, False) != "out":
            return False
        return not _used_only_outside(hub, proof, analyzer)


def _text_of(node) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        return node.value
    if isinstance(node, (cst.Name, cst.Attribute)):
        return ".".join(_dotted(node))
    return None


def _preprocessing_name(text: Optional[str]) -> bool:
    """Preprocessors and tokenizers: the hub docs run them in tf.data, outside a scope."""
    return bool(text) and any(word in text.lower() for word in ("preprocess", "tokeniz"))


def _handle_like(node) -> bool:
    last = node.attr.value.lower() if isinstance(node, cst.Attribute) else ""
    return any(word in last for word in ("handle", "url", "path", "link", "model", "dir"))


def _used_only_outside(hub: HubCall, proof: _Proof, analyzer: HubAnalyzer) -> bool:
    """The value is read after the call, never inside a scope: deliberately outside.

    (Inference or preprocessing models built next to a strategy are common; what
    breaks is variables made outside and used by what runs inside.)
    """
    sites = [(hub.unit, hub.target, hub.order)]
    if hub.target is None and isinstance(hub.statement, cst.SimpleStatementLine) and any(
            isinstance(small, cst.Return) for small in hub.statement.body):
        sites = [(caller, target, order)
                 for caller, _, target, order in proof.callers.get(id(hub.unit), [])]
    verdicts = []
    for unit, target, order in sites:
        if target is None:
            return False
        if target in analyzer.pipeline_names:
            verdicts.append(True)
            continue
        reads = [inside for at, inside in analyzer.uses.get((id(unit), target), []) if at > order]
        verdicts.append(bool(reads) and not any(reads))
    return bool(verdicts) and all(verdicts)


def _close_pipeline_names(analyzer: HubAnalyzer) -> None:
    """Add the names used inside functions that are handed to dataset.map() and kin."""
    functions = [u for u in analyzer.units if u.kind == "function"
                 and u.node.name.value in analyzer.pipeline_names]
    for unit in functions:
        analyzer.pipeline_names |= _names_in(unit.node.body)


def _message(hub: HubCall) -> str:
    unit = hub.unit
    if unit.creations:
        strategy = unit.creations[0][1]
        where = f"`{strategy}` is created in the same " + (
            "module" if unit.kind == "module" else "function")
    else:
        strategy = "strategy"
        where = f"every call of {unit.node.name.value}() in this module is outside a scope"
    if hub.api == "hub.KerasLayer":
        effect = ("its variables are not mirrored, and tf-keras's compile() raises "
                  "'Variable ... was not created in the distribution strategy scope'")
    else:
        effect = "it creates plain variables, not MirroredVariables: training updates one copy"
    return f"{hub.api}() runs outside `with {strategy}.scope():` ({where}); {effect}"


def _plan_fixes(flagged: List[HubCall]) -> Dict[int, Tuple[Optional[Fix], Optional[str]]]:
    """Wrap flagged statements in the scope of a strategy created earlier in the same body."""
    plans: Dict[int, Tuple[Optional[Fix], Optional[str]]] = {}
    groups: Dict[Tuple[int, str], List[HubCall]] = {}
    for hub in flagged:
        unit = hub.unit
        usable = [(order, name) for order, name, block in unit.creations
                  if order < hub.order and block in hub.blocks]
        if not unit.creations:
            plans[id(hub)] = (None, "the strategy is not in this function: enter its scope "
                                    "around the calls of " + unit.node.name.value + "()")
            continue
        if not usable:
            plans[id(hub)] = (None, "the strategy is created after this call (or in another "
                                    "branch): move the call below its creation, inside its scope")
            continue
        if not isinstance(hub.block, (cst.IndentedBlock, cst.Module)) or hub.statement is None:
            plans[id(hub)] = (None, "the call is on a one-line block")
            continue
        strategy = usable[-1][1]
        groups.setdefault((id(hub.block), strategy), []).append(hub)
    for (_, strategy), hubs in groups.items():
        block = hubs[0].block
        body = list(block.body)
        index = {id(s): i for i, s in enumerate(body)}
        rows = sorted({index[id(h.statement)] for h in hubs if id(h.statement) in index})
        runs: List[List[int]] = []
        for row in rows:
            if runs and runs[-1][-1] == row - 1:
                runs[-1].append(row)
            else:
                runs.append([row])
        header = f"{strategy}.scope()"
        for run in runs:
            statements = tuple(body[i] for i in run)
            before = body[run[0] - 1] if run[0] > 0 else None
            after = body[run[-1] + 1] if run[-1] + 1 < len(body) else None
            if _is_scope_with(after, strategy):
                fix = Fix(f"move into the following `with {header}:` block",
                          merge=((statements, after, True),))
            elif _is_scope_with(before, strategy):
                fix = Fix(f"move into the preceding `with {header}:` block",
                          merge=((statements, before, False),))
            else:
                fix = Fix(f"wrap in `with {header}:`", wrap=((statements, header),))
            for hub in hubs:
                if id(hub.statement) in {id(s) for s in statements}:
                    plans[id(hub)] = (fix, None)
    return plans


def _is_scope_with(node, strategy: str) -> bool:
    if not isinstance(node, cst.With) or len(node.items) != 1:
        return False
    receiver = scope_receiver(node.items[0].item)
    return isinstance(receiver, cst.Name) and receiver.value == strategy and not node.asynchronous
