"""HDL203-HDL205: Keras optimizers, models and metrics made outside the strategy scope whose
`compile(...)` uses them.

Measured on TF 2.21, MirroredStrategy over 2 logical CPUs, Keras 3 (`tf.keras`) and tf-keras
(TF_USE_LEGACY_KERAS=1) each in its own process (tests/programs/keras_scope_matrix.py):

| made outside the scope, compiled inside | Keras 3 | tf-keras |
| --- | --- | --- |
| optimizer (model made inside) | fit: RuntimeError: Mixing different tf.distribute.Strategy objects | trains |
| model, built or not (optimizer made by compile or inside) | RuntimeError: Need to be inside "with strategy.scope()" | ValueError: Variable ... was not created in the distribution strategy scope |
| model and optimizer both | trains without the strategy (plain ResourceVariables) | ValueError: Variable ... |
| model loaded with load_model (keras.saving.load_model too) | RuntimeError: Need to be inside ... | ValueError: Variable ... |
| metric object (`AUC()`) | trains | ValueError: Metric (...) passed to `model.compile` was created inside a different distribution strategy scope |
| loss object, unbuilt layer, learning-rate schedule | trains | trains |
| tf.train.Checkpoint restored outside; keras.distribution.DataParallel set | trains | trains |

Which callees make optimizers, models and metrics comes from the Keras wheels
(`keras_facts.keras_classes`: the classes of `tf.keras.optimizers`, `tf.keras.metrics`,
`tf.keras.Model` / `Sequential` per release). Same precision as HDL201/HDL202: reported only
where the module proves the making runs outside every scope and the value (its one binding)
reaches a `compile(...)` inside one.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Iterable, List, Optional

import libcst as cst

from ..analysis.keras_scope import METRIC, OPTIMIZER, RECEIVER, CompileGraph, CompileUse, outside_every_scope
from ..analysis.keras_switch import find_switches, late_because
from ..analysis.scoped_values import (CALLED, IN, OTHER_ATTRIBUTE, OUT, TRAINED, ScopedValue,
                                      ScopeProof)
from ..ast_nodes import all_nodes
from ..gates import AllOf
from ..cst_walk import walk
from ..checking import NO_PLAN, FixPlan, ImportScan, LintContext
from ..diagnostics import Diagnostic
from ..fixes.scope_moves import ScopePlan, plan_scope_fix, scope_fixes
from ..keras_facts import TF_KERAS, class_makers, keras3_at
from .base import Checker, Invalid, Rule

KERAS3, KERAS2 = "keras3", "keras2"  # what a spelling is: Keras 3, Keras 2 (TF < 2.16), tf-keras

_HEAD = "import tensorflow as tf\n\nstrategy = tf.distribute.MirroredStrategy()\n"
_MODEL = "    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])\n"
_TF_KERAS_HEAD = "import tensorflow as tf\nimport tf_keras\n\nstrategy = tf.distribute.MirroredStrategy()\n"
_TF_KERAS_MODEL = "    model = tf_keras.Sequential([tf_keras.Input((4,)), tf_keras.layers.Dense(1)])\n"


class KerasOptimizerOutsideScope(Rule):
    code = "HDL203"
    name = "keras-optimizer-outside-strategy-scope"
    summary = "A Keras 3 optimizer made outside the strategy scope is passed to compile() inside it"
    explanation = """\
A Keras 3 optimizer (`tf.keras` from TF 2.16) remembers the strategy it was made under.
Made outside `with strategy.scope():` and passed to `model.compile(optimizer=...)` inside
it, `fit()` raises `RuntimeError: Mixing different tf.distribute.Strategy objects`.
tf-keras (TF_USE_LEGACY_KERAS=1, `import tf_keras`) and Keras 2 (TF < 2.16) tolerate it:
measured on TF 2.21 (tests/programs/keras_scope_matrix.py), the same program trains with
tf-keras. So it is reported only for Keras 3 spellings: `keras.optimizers.*`, and
`tf.keras.optimizers.*` at TF >= 2.16 in a file that does not switch to tf-keras. A
learning-rate schedule made outside is fine (measured). When the model is made outside
too (HDL204), Keras 3 raises nothing: the pair trains without the strategy, on plain
variables (measured); the two are then moved together or not at all, since moving one
alone makes that program fail.

Reported only where the module proves the optimizer is made outside every scope (the
strategy is created in the same function, or every call of the function is outside a
scope) and its one binding is the optimizer (or the first argument) of a `compile(...)`
in a scope. The fix moves the making into `with <strategy>.scope():` (wraps it, or joins
an adjacent scope block), as for HDL201; it refuses, with the reason, when the strategy is
not created in that function or is created after the optimizer."""
    fix_availability = "sometimes"
    fix_summary = "moves the optimizer's making into `with <strategy>.scope():`"
    VALID = (
        _HEAD + "with strategy.scope():\n    optimizer = tf.keras.optimizers.Adam(1e-3)\n"
        + _MODEL + "    model.compile(optimizer=optimizer, loss='mse')\n",
        # tf-keras tolerates it
        _TF_KERAS_HEAD + "optimizer = tf_keras.optimizers.Adam(1e-3)\nwith strategy.scope():\n"
        + _TF_KERAS_MODEL + "    model.compile(optimizer=optimizer, loss='mse')\n",
        # the strategy is a parameter: where the scope is, is the caller's business
        "import tensorflow as tf\n\n\ndef train(strategy):\n"
        "    optimizer = tf.keras.optimizers.Adam(1e-3)\n    with strategy.scope():\n"
        "        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
        "        model.compile(optimizer=optimizer, loss='mse')\n",
    )
    INVALID = (
        Invalid(
            _HEAD + "optimizer = tf.keras.optimizers.Adam(1e-3)\nwith strategy.scope():\n"
            + _MODEL + "    model.compile(optimizer=optimizer, loss='mse')\n",
            _HEAD + "with strategy.scope():\n    optimizer = tf.keras.optimizers.Adam(1e-3)\n"
            + _MODEL + "    model.compile(optimizer=optimizer, loss='mse')\n",
        ),
        Invalid(  # made before the strategy exists: the fix would have to move it below
            "import tensorflow as tf\n\noptimizer = tf.keras.optimizers.SGD()\n"
            "strategy = tf.distribute.MirroredStrategy()\nwith strategy.scope():\n"
            + _MODEL + "    model.compile(optimizer, 'mse')\n",
        ),
    )


class KerasModelOutsideScope(Rule):
    code = "HDL204"
    name = "keras-model-outside-strategy-scope"
    summary = "A Keras model made outside the strategy scope is compiled inside it"
    explanation = """\
A Keras model must be made in the scope it is compiled in. Measured on TF 2.21
(tests/programs/keras_scope_matrix.py), a `Sequential` made outside
`with strategy.scope():` and compiled inside it:

- Keras 3 (`tf.keras` from TF 2.16): the model keeps the strategy it was made under, and
  training raises `RuntimeError: Need to be inside "with strategy.scope()"`, built or not;
- tf-keras (and Keras 2): `compile()` raises `ValueError: Variable (...) was not created in
  the distribution strategy scope` when the model has variables, and `fit()` fails when
  it does not yet;
- Keras 3 with the optimizer object made outside too: no error, the pair trains without
  the strategy (plain variables). The message says which case the file shows.

A model loaded outside with `tf.keras.models.load_model` and compiled inside fails the
same way with both (measured). Reported only where the module proves the model
(`tf.keras.Model`, `Sequential`, `load_model`: from the Keras wheels) is made outside
every scope and its one binding is compiled in a scope.

The fix moves the model's making into `with <strategy>.scope():`, only when that
statement makes the whole model (a `Sequential([...])` of layers made in the list itself,
or a `load_model(...)`) and the model is not used between its making and the scope. A functional `Model(inputs, outputs)` whose
layers were called outside, or a model built further (`add`, `build`) before the scope,
is left with the reason: move its whole construction into the scope."""
    fix_availability = "sometimes"
    fix_summary = "moves a Sequential model's making into `with <strategy>.scope():`"
    VALID = (
        _HEAD + "with strategy.scope():\n" + _MODEL + "    model.compile(optimizer='adam', loss='mse')\n",
        # compiled outside any scope: no strategy in play for it
        _HEAD + _MODEL.strip() + "\nmodel.compile(optimizer='adam', loss='mse')\n",
    )
    INVALID = (
        Invalid(
            _HEAD + _MODEL.strip() + "\nwith strategy.scope():\n"
            "    model.compile(optimizer='adam', loss='mse')\n",
            _HEAD + "with strategy.scope():\n" + _MODEL + "    model.compile(optimizer='adam', loss='mse')\n",
        ),
        Invalid(  # a functional model: its layers made their variables outside too
            _HEAD + "inputs = tf.keras.Input((4,))\noutputs = tf.keras.layers.Dense(1)(inputs)\n"
            "model = tf.keras.Model(inputs, outputs)\nwith strategy.scope():\n"
            "    model.compile(optimizer='adam', loss='mse')\n",
        ),
    )


class KerasMetricOutsideScope(Rule):
    code = "HDL205"
    name = "keras-metric-outside-strategy-scope"
    summary = "A tf-keras metric object made outside the strategy scope is passed to compile() inside it"
    explanation = """\
A metric object has variables. With tf-keras (and Keras 2, `tf.keras` before TF 2.16),
one made outside `with strategy.scope():` and passed to `compile(metrics=[...])` inside it
makes `compile()` raise `ValueError: Metric (...) passed to model.compile was created
inside a different distribution strategy scope than the model`. Keras 3 tolerates it:
measured on TF 2.21 (tests/programs/keras_scope_matrix.py), the same program trains with
Keras 3. So it is reported only for tf-keras spellings (`tf_keras.metrics.*`,
`tf.keras.metrics.*` at TF < 2.16 or after TF_USE_LEGACY_KERAS=1 is set in time). A
metric given by its string name (`metrics=["auc"]`) is made in the right scope.

Same proof rules and fix as HDL203."""
    fix_availability = "sometimes"
    fix_summary = "moves the metric's making into `with <strategy>.scope():`"
    VALID = (
        _TF_KERAS_HEAD + "with strategy.scope():\n    auc = tf_keras.metrics.AUC()\n" + _TF_KERAS_MODEL
        + "    model.compile(optimizer='adam', loss='mse', metrics=[auc])\n",
        # Keras 3 tolerates it
        _HEAD + "auc = tf.keras.metrics.AUC()\nwith strategy.scope():\n" + _MODEL
        + "    model.compile(optimizer='adam', loss='mse', metrics=[auc])\n",
    )
    INVALID = (
        Invalid(
            _TF_KERAS_HEAD + "auc = tf_keras.metrics.AUC()\nwith strategy.scope():\n" + _TF_KERAS_MODEL
            + "    model.compile(optimizer='adam', loss='mse', metrics=[auc])\n",
            _TF_KERAS_HEAD + "with strategy.scope():\n    auc = tf_keras.metrics.AUC()\n" + _TF_KERAS_MODEL
            + "    model.compile(optimizer='adam', loss='mse', metrics=[auc])\n",
        ),
    )


LOADED = "loaded model"
_KINDS = ("optimizer", "metric", "model", LOADED)
_ROLE = {"optimizer": OPTIMIZER, "metric": METRIC, "model": RECEIVER, LOADED: RECEIVER}
_RULE = {"optimizer": KerasOptimizerOutsideScope, "metric": KerasMetricOutsideScope,
         "model": KerasModelOutsideScope, LOADED: KerasModelOutsideScope}


def _maker_names(target: str) -> frozenset:
    """The last names of the callables that make what these rules follow (`Adam`, `Sequential`,
    `load_model`), from the data."""
    return frozenset(path.rpartition(".")[2] for path in class_makers(_KINDS, target))


def _may_compile_in_a_scope(tree: ast.Module, makers: frozenset) -> bool:
    """The file enters a `with <x>.scope():`, calls some `<y>.compile(...)` and calls a
    maker by its name: what every finding needs (an over-approximation, on the `ast` tree;
    `name_scope()` is not `scope()`)."""
    scoped = compiles = made = False
    # the names a maker is bound to here: `from ... import Adam as A`, `Opt = optimizers.Adam`
    aliases = set(makers)
    entered = []  # `with` statements and calls, in order: looked at once every alias is known
    for node in all_nodes(tree):
        kind = type(node)
        if kind is ast.Call or kind is ast.With or kind is ast.AsyncWith:
            entered.append(node)
        elif kind is ast.Import or kind is ast.ImportFrom:
            aliases.update(a.asname for a in node.names
                           if a.asname and a.name.rpartition(".")[2] in makers)
        elif kind is ast.Assign and isinstance(node.value, (ast.Name, ast.Attribute)):
            value = node.value
            if (value.attr if isinstance(value, ast.Attribute) else value.id) in makers:
                aliases.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for node in entered:
        if isinstance(node, (ast.With, ast.AsyncWith)) and not scoped:
            scoped = any(isinstance(item.context_expr, ast.Call)
                         and isinstance(item.context_expr.func, ast.Attribute)
                         and item.context_expr.func.attr == "scope" for item in node.items)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            compiles = compiles or name == "compile"
            made = made or name in aliases
        if scoped and compiles and made:
            return True
    return False


class KerasScopeChecker(Checker):
    rules = (KerasOptimizerOutsideScope, KerasModelOutsideScope, KerasMetricOutsideScope)
    gate = AllOf("compile", "scope", "eras")
    reads_imports = True

    def decides_from_imports(self, scan: ImportScan) -> bool:
        return not _may_compile_in_a_scope(scan.tree, _maker_names(scan.target))

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        makers = class_makers(_KINDS, ctx.target)
        if not makers or not re.search(r"[Ss]trategy", ctx.text):
            return
        tree = ctx.locator.ast_tree()
        if tree is not None and not _may_compile_in_a_scope(tree, _maker_names(ctx.target)):
            return  # the walks below cost several parses: skip them when ast rules them out
        graph = CompileGraph(ctx.names, ctx.receivers, {path: info[2] for path, info in makers.items()})
        walk(ctx.module, graph)
        if not graph.made:
            return
        proof = ScopeProof(graph)
        tensorflow_keras = _tensorflow_keras(ctx)
        outside = {id(v.call): v for v in graph.made if outside_every_scope(v, proof)}
        found: List[Finding] = []
        for value in outside.values():
            path = ctx.names.path_of(value.call.func) or ""
            kind, package, _ = makers[path]
            keras = _keras_of(path, package, ctx.target, tensorflow_keras)
            if (kind == "optimizer" and keras != KERAS3) or (
                    kind == "metric" and keras in (KERAS3, None)):
                continue
            use = graph.compiled_in_scope(value, proof, _ROLE[kind])
            if use is None:
                continue
            compiled = graph.compiles[id(use.call)]
            partner = compiled.optimizer if _ROLE[kind] == RECEIVER else compiled.receiver
            found.append(Finding(value, kind, keras, use, graph.origin(partner, proof, outside),
                                 _partner_value(partner, ctx, outside)))
        if not found:
            return
        plans = {id(f.value): self._plan(f, graph, proof, ctx) for f in found}
        _couple(found, plans)
        fixes = scope_fixes([f.value for f in found], plans) if ctx.want_fixes else {}
        for f in found:
            plan = plans[id(f.value)]
            fix, reason = (fixes.get(id(f.value), FixPlan(None, plan.reason)) if ctx.want_fixes
                           else NO_PLAN)
            yield ctx.diagnostic(_RULE[f.kind], _message(f, plan.strategy, ctx.target),
                                 ctx.span(f.value.call), fix, reason)

    @staticmethod
    def _plan(found: "Finding", graph: CompileGraph, proof: ScopeProof, ctx: LintContext) -> ScopePlan:
        plan = plan_scope_fix(found.value, graph, proof, hub_uses=False)
        if plan.reason is None and _ROLE[found.kind] == RECEIVER:
            plan = _model_plan(found.value, found.kind, graph, plan, ctx)
        if plan.reason is None:
            plan = _other_uses_plan(found, graph, plan)
        if plan.reason is None and found.partner is None and _couples(found):
            what = "optimizer" if _ROLE[found.kind] == RECEIVER else "model"
            plan = ScopePlan(plan.strategy, f"the file does not show where the {what} compiled "
                                            "with it is made: made outside too, the program "
                                            "trains (without the strategy), and moving this "
                                            "alone would make it fail")
        return plan


@dataclass
class Finding:
    value: ScopedValue
    kind: str
    keras: Optional[str]
    use: CompileUse
    partner: Optional[str]  # where what it is compiled with (model / optimizer) is made
    partner_value: Optional[ScopedValue]  # that, when it is made outside


def _couples(found: Finding) -> bool:
    """Made outside alongside its partner, the pair trains without the strategy: they must
    move together (a Keras 3 model and its optimizer; a tf-keras metric and its model)."""
    if found.kind == "optimizer" or found.kind == "metric":
        return True
    return found.keras in (KERAS3, None)


def _partner_value(node, ctx: LintContext, outside) -> Optional[ScopedValue]:
    if not isinstance(node, cst.Name):
        return None
    sites = ctx.names.sites(node)
    if sites and len(sites) == 1 and sites[0].value is not None:
        return outside.get(id(sites[0].value))
    return None


def _couple(found: List[Finding], plans) -> None:
    """A value whose partner is made outside too moves only if its partner moves with it,
    into the same scope; otherwise neither moves."""
    moving = True
    while moving:
        moving = False
        for f in found:
            plan = plans[id(f.value)]
            if plan.reason is not None or f.partner != OUT or not _couples(f):
                continue
            other = plans.get(id(f.partner_value)) if f.partner_value is not None else None
            if other is None or other.reason is not None or other.strategy != plan.strategy:
                what = "optimizer" if _ROLE[f.kind] == RECEIVER else "model"
                plans[id(f.value)] = ScopePlan(plan.strategy, f"the {what} compiled with it is "
                                               "made outside the scope too and is not moved: "
                                               "the pair trains (without the strategy), and "
                                               "moving this alone would make it fail")
                moving = True


def _tensorflow_keras(ctx: LintContext) -> Optional[str]:
    """What `tf.keras` is in this file: Keras 3, Keras 2, tf-keras, or None when the file
    switches in a way that cannot be told."""
    if not keras3_at(ctx.target):
        return KERAS2
    if "TF_USE_LEGACY_KERAS" not in ctx.text:
        return KERAS3
    imports_tf_keras = any(i.path.startswith("tensorflow.keras") for i in ctx.imports)
    if any(s.accepted and late_because(s, False, imports_tf_keras) is None
           for s in find_switches(ctx.module, ctx.names)):
        return TF_KERAS
    return None


def _keras_of(path: str, package: str, target: str, tensorflow_keras: Optional[str]) -> Optional[str]:
    if package == TF_KERAS:
        return TF_KERAS
    if path.startswith("keras."):
        return KERAS3 if keras3_at(target) else KERAS2
    return tensorflow_keras


def _model_plan(value: ScopedValue, kind: str, graph: CompileGraph, plan: ScopePlan,
                ctx: LintContext) -> ScopePlan:
    """A model is moved only when its statement makes all of it (a Sequential of layers
    made in the call itself, or a loaded model), not read between its making and the scope."""
    call = value.call
    made_inline = value.target is not None and (kind == LOADED or (
        value.api.endswith("Sequential")
        and all(_only_imported_names(arg.value, ctx) for arg in call.args)))
    if not made_inline:
        return ScopePlan(plan.strategy, "its layers are made (and may hold variables) before "
                                        "it, outside the scope: move its whole construction "
                                        "into the scope by hand")
    use = graph.compiled_in_scope(value, ScopeProof(graph), RECEIVER)
    if any(read.scope is None and use is not None and read.order < use.order
           for read in graph.reads_of(value.unit, value.target, value.order)):
        return ScopePlan(plan.strategy, "the model is used between its making and the scope "
                                        "(built further, summarised, ...): move that into the "
                                        "scope with it by hand")
    return plan


def _only_imported_names(node: cst.CSTNode, ctx: LintContext) -> bool:
    """Every name the expression reads is one an import binds (`tf` in `tf.keras.Input(...)`):
    no layer or tensor made before it."""
    reads = _NamesRead()
    walk(node, reads)
    return all(ctx.names.path_of(name) is not None for name in reads.free)


class _NamesRead(cst.CSTVisitor):
    """The names an expression reads."""

    def __init__(self):
        super().__init__()
        self.free: List[cst.Name] = []

    def visit_Attribute(self, attribute):
        walk(attribute.value, self)
        return False  # `.attr` is no read

    def visit_Arg(self, arg):
        walk(arg.value, self)
        return False  # nor is a keyword

    def visit_Name(self, name):
        if name.value not in ("True", "False", "None"):
            self.free.append(name)


def _other_uses_plan(found: "Finding", graph: CompileGraph, plan: ScopePlan) -> ScopePlan:
    """Made in the scope, the value must not also serve a compile elsewhere, nor (an optimizer
    or a metric) be used by hand outside a scope (`apply_gradients`, `update_state`)."""
    value = found.value
    if value.target is None:
        return plan
    for uses in (graph.compile_uses.get((id(value.unit), value.target), ()),):
        if any(use.scope != plan.strategy for use in uses):
            return ScopePlan(plan.strategy, "it is also given to a compile() outside this scope: "
                                            "made inside, that one would mix strategies")
    if _ROLE[found.kind] != RECEIVER and any(
            read.scope is None and read.kind in (CALLED, OTHER_ATTRIBUTE, TRAINED)
            for read in graph.reads_of(value.unit, value.target, value.order)):
        return ScopePlan(plan.strategy, "it is also used outside the scope (a method of it "
                                        "called there): made inside, that use would change")
    return plan


def _where(value: ScopedValue, strategy: Optional[str]) -> str:
    unit = value.unit
    if not unit.creations:
        return f"every call of {unit.name}() in this module is outside a scope"
    if any(c.name == strategy and c.block is None for c in unit.creations):
        return f"every call of {unit.name}() passes a new strategy as `{strategy}`"
    here = "module" if unit.kind == "module" else "function"
    return (f"`{strategy}` is created in the same {here}" if strategy
            else f"strategies are created in the same {here}")


_KERAS_NAMES = {KERAS3: "Keras 3", KERAS2: "Keras 2", TF_KERAS: "tf-keras"}


def _message(found: Finding, strategy: Optional[str], target: str) -> str:
    value, kind, keras = found.value, found.kind, found.keras
    scope = f"`with {strategy or 'strategy'}.scope():`"
    made = "runs" if kind == LOADED else "is made"
    head = f"{value.api}() {made} outside {scope} ({_where(value, strategy)})"
    undistributed = "the pair then trains without the strategy (plain variables, not mirrored)"
    if kind == "optimizer":
        head += " and passed to compile() inside it: with Keras 3 (tf.keras from TF 2.16, " \
                f"TF {target} here) "
        if found.partner == OUT:
            return (head + "and the model made outside too, the pair trains without the "
                    "strategy (plain variables, not mirrored); with the model made in the scope, "
                    "fit() raises 'RuntimeError: Mixing different tf.distribute.Strategy "
                    "objects'; tf-keras tolerates it")
        when = "" if found.partner == IN else " when the model is made in the scope"
        return (head + "fit() raises 'RuntimeError: Mixing different tf.distribute.Strategy "
                f"objects'{when}; tf-keras tolerates it")
    if kind == "metric":
        when = "" if found.partner in (IN, OUT) else " when the model is made in the scope"
        return (f"{head} and passed to compile(metrics=...) inside it: with {_KERAS_NAMES[keras]} "
                "compile() raises 'ValueError: Metric (...) passed to `model.compile` was created "
                f"inside a different distribution strategy scope than the model'{when}; Keras 3 "
                "tolerates it")
    tf_keras_fails = ("'ValueError: Variable (...) was not created in the distribution strategy "
                      "scope' (fit() fails if the model has no variables yet)")
    keras3_fails = "training raises 'RuntimeError: Need to be inside \"with strategy.scope()\"'"
    if keras in (KERAS3, None):
        if found.partner == OUT:
            keras3 = f"the optimizer is made outside too: {undistributed}"
        elif found.partner == IN:
            keras3 = keras3_fails
        else:
            keras3 = keras3_fails + " when its optimizer is made in the scope (or by compile)"
        if keras == KERAS3:
            return (f"{head} and compiled inside it: with Keras 3 (TF {target}) {keras3}; with "
                    f"tf-keras compile() raises {tf_keras_fails}")
        return (f"{head} and compiled inside it: with Keras 3 {keras3}; with tf-keras compile() "
                f"raises {tf_keras_fails}")
    return (f"{head} and compiled inside it: with {_KERAS_NAMES[keras]} compile() raises "
            f"{tf_keras_fails}; Keras 3 fails too")
