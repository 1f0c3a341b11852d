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
from typing import Iterable, Optional

from ..checking import NO_PLAN, FixPlan, LintContext
from ..analysis.deliberate import close_pipeline_names, is_deliberate, value_use
from ..analysis.scoped_values import OUT, ScopedValue, ValueGraph, ScopeProof
from ..diagnostics import Diagnostic
from ..fixes.scope_moves import plan_scope_fix, scope_fixes
from .base import Checker, Invalid, Rule

_EXAMPLE_BAD = '''\
import tensorflow as tf
import tensorflow_hub as hub
import tf_keras

strategy = tf.distribute.MirroredStrategy()
layer = hub.KerasLayer("model", trainable=True)
with strategy.scope():
    model = tf_keras.Sequential([tf_keras.Input((4,)), layer])
    model.compile(optimizer="sgd", loss="mse")
'''
_EXAMPLE_FIXED = '''\
import tensorflow as tf
import tensorflow_hub as hub
import tf_keras

strategy = tf.distribute.MirroredStrategy()
with strategy.scope():
    layer = hub.KerasLayer("model", trainable=True)
    model = tf_keras.Sequential([tf_keras.Input((4,)), layer])
    model.compile(optimizer="sgd", loss="mse")
'''


_TRAIN = 'import tf_keras\nstrategy = tf.distribute.MirroredStrategy()\n'
_COMPILE = "    keras_model = tf_keras.Sequential([layer])\n    keras_model.compile('sgd', 'mse')\n"


class HubLoadOutsideScope(Rule):
    code = "HDL201"
    name = "hub-load-outside-strategy-scope"
    summary = "A hub.load() model trained in a strategy scope is loaded outside it"
    explanation = """\
`hub.load()` restores the model's variables where it is called. Outside
`with strategy.scope():` they are ordinary variables, not `MirroredVariable`s. That is
a fault only when the scope then trains them; measured on TF 2.21 (tf-keras, 2 CPUs):

| the loaded object, loaded outside the scope, is ... | result |
| --- | --- |
| wrapped in `hub.KerasLayer(loaded, trainable=True)` in a model compiled in the scope | `ValueError: Variable ... was not created in the distribution strategy scope` |
| trained in `strategy.run` (optimizer on `loaded.trainable_variables`) | `ValueError: colocate_vars_with must only be passed a variable created in this tf.distribute.Strategy.scope()` |
| called directly in the scope (`loaded(x)`), or in `strategy.run` | runs |

Loaded inside the scope, the first two run, and a direct call in the scope fails
(`executing a graph generated from the cross-replica context in an in-replica
context`). So a `hub.load` is reported only when the module proves it runs outside every
scope (the strategy is created in the same function, or every call of the enclosing
function in this module is outside a scope) and its value is built into something
inside a scope: passed to a model or `hub.KerasLayer`, or its variables, `compile` or
`fit` used. A value only called there, or never used there, is fine. Preprocessing
models used in `tf.data` pipelines (`dataset.map`) are meant to stay outside and are
not reported; neither is `hub.resolve()`.

The fix wraps the statement in `with <strategy>.scope():`, or moves it into an
adjacent scope block, using the strategy whose scope uses the value; it is not applied
when the value is also called directly inside a scope (that call would then fail), or
when it cannot tell which of several strategies is meant. In a notebook exported as a
script, a block never spans a cell marker (`# %%`, `# In[ ]:`): each cell keeps its own
block, and the marker stays above it."""
    fix_availability = "sometimes"
    fix_summary = 'moves the call into `with <strategy>.scope():` (wraps it, or joins an adjacent scope block)'
    VALID = (
        "import tensorflow as tf\nimport tensorflow_hub as hub\n" + _TRAIN +
        "with strategy.scope():\n    model = hub.load('m')\n",
        "import tensorflow_hub as hub\nmodel = hub.load('m')  # no strategy in play\n",
        "import tensorflow_hub as hub\n\n\ndef build():\n    return hub.load('m')  # callers decide\n",
        "import tensorflow as tf\nimport tensorflow_hub as hub\n" + _TRAIN +
        "model = hub.load('m')\nwith strategy.scope():\n    y = model(x)  # inference only\n",
    )
    INVALID = (
        Invalid(
            "import tensorflow as tf\nimport tensorflow_hub as hub\n" + _TRAIN +
            "model = hub.load('m')\nwith strategy.scope():\n"
            "    layer = hub.KerasLayer(model, trainable=True)\n" + _COMPILE,
            "import tensorflow as tf\nimport tensorflow_hub as hub\n" + _TRAIN +
            "with strategy.scope():\n    model = hub.load('m')\n"
            "    layer = hub.KerasLayer(model, trainable=True)\n" + _COMPILE,
        ),
        Invalid(  # trained in the scope, and also called there: no safe place to move it
            "import tensorflow as tf\nimport tensorflow_hub as hub\n" + _TRAIN +
            "model = hub.load('m')\nwith strategy.scope():\n"
            "    print(model(x))\n    layer = hub.KerasLayer(model, trainable=True)\n" + _COMPILE,
        ),
    )


class HubKerasLayerOutsideScope(Rule):
    code = "HDL202"
    name = "hub-keras-layer-outside-strategy-scope"
    summary = "hub.KerasLayer() is created outside the scope of the strategy that builds its model"
    explanation = """\
`hub.KerasLayer(...)` creates its variables when it is constructed. Created outside
`with strategy.scope():` and built into a model inside it, tf-keras's `compile` raises
`ValueError: Variable (...) was not created in the distribution strategy scope of
(...)`. Same proof rules and fix as HDL201: reported when the layer is put into a model
(a list element, an argument, called on a `keras.Input`) inside a scope; not fixed when
it is also called on tensors directly inside a scope (made inside the scope, such a
call fails on TF 2.21)."""
    fix_availability = "sometimes"
    fix_summary = "moves the layer's construction into `with <strategy>.scope():`, as for HDL201"
    VALID = (
        "import tensorflow as tf\nimport tensorflow_hub as hub\n" + _TRAIN +
        "with strategy.scope():\n    layer = hub.KerasLayer('m')\n",
        "import tensorflow as tf\nimport tensorflow_hub as hub\n" + _TRAIN +
        "preprocess = hub.KerasLayer('m')\n"
        "ds = tf.data.Dataset.from_tensor_slices(['a']).map(lambda x: preprocess(x))\n",
    )
    INVALID = (Invalid(_EXAMPLE_BAD, _EXAMPLE_FIXED),)


_RULE_FOR = {"hub.load": HubLoadOutsideScope, "hub.Module": HubLoadOutsideScope,
             "hub.KerasLayer": HubKerasLayerOutsideScope}


class HubScopeChecker(Checker):
    rules = (HubLoadOutsideScope, HubKerasLayerOutsideScope)
    gate = re.compile(r"tensorflow_hub(?s:.*)[Ss][Tt][Rr][Aa][Tt][Ee][Gg][Yy]")

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        if not any(imp.path == "tensorflow_hub" or imp.path.startswith("tensorflow_hub.")
                   for imp in ctx.imports):
            return
        graph = ctx.value_graph
        if not graph.made:
            return
        proof = ScopeProof(graph)
        close_pipeline_names(graph)
        flagged = [h for h in graph.made if _outside(h, graph, proof)]
        if not flagged:
            return
        plans = {id(h): plan_scope_fix(h, graph, proof) for h in flagged}
        for hub in flagged:
            plan = plans[id(hub)]
            fix, reason = (scope_fixes(flagged, plans).get(id(hub), FixPlan(None, plan.reason))
                           if ctx.want_fixes else NO_PLAN)
            yield ctx.diagnostic(_RULE_FOR[hub.api], _message(hub, plan.strategy),
                                 ctx.span(hub.call), fix, reason)


def _outside(hub: ScopedValue, graph: ValueGraph, proof: ScopeProof) -> bool:
    """Proven outside every scope, and its value is built into what a scope trains."""
    if hub.in_scope or proof.point(hub.unit, False) != OUT or is_deliberate(hub, graph):
        return False
    return value_use(hub, graph, proof).builds_in_scope


def _message(hub: ScopedValue, strategy: Optional[str]) -> str:
    unit = hub.unit
    if unit.creations:
        here = "module" if unit.kind == "module" else "function"
        where = (f"`{strategy}` is created in the same {here}" if strategy else
                 f"strategies are created in the same {here}")
        if any(c.name == strategy and c.block is None for c in unit.creations):
            where = f"every call of {unit.name}() passes a new strategy as `{strategy}`"
    else:
        where = f"every call of {unit.name}() in this module is outside a scope"
    if hub.api == "hub.KerasLayer":
        effect = ("its variables are not mirrored, and tf-keras's compile() raises "
                  "'Variable ... was not created in the distribution strategy scope'")
    else:
        effect = ("its variables are not MirroredVariables, and training them in the scope "
                  "raises 'Variable ... was not created in the distribution strategy scope'")
    return f"{hub.api}() runs outside `with {strategy or 'strategy'}.scope():` ({where}); {effect}"
