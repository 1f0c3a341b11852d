"""HDL5xx: TensorFlow Hub and Keras 3 (TF 2.16 and later).

From TF 2.16 `tf.keras` is Keras 3, while `hub.KerasLayer` is a tf-keras (Keras 2) layer:
putting one into a Keras 3 model raises. `--target-tf` decides whether `tf.keras` is Keras 3
(from the keras wheel the data was read from for that release); before 2.16 nothing here
reports. What `TF_USE_LEGACY_KERAS` does, and when, was measured under TF 2.21 (see
keras_switch.py and tests/test_tf_legacy_switch.py).
"""

from __future__ import annotations

import re
from typing import Iterable, List, Optional, Tuple

import libcst as cst

from ..diagnostics import Diagnostic, Ensure, Fix
from ..keras_models import ModelScan, Reach
from ..keras_switch import (Switch, binds_os_before, earliest_anchor, find_switches,
                            late_because, switch_statement)
from ..strategies import Aliases
from ..tf_keras_rewrite import first_keras3_only, keras3_at, keras_public, plan_rewrite
from .base import Checker, Invalid, Rule

_SWITCH_LINES = 'import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"\n'


class HubLayerInKeras3Model(Rule):
    code = "HDL501"
    name = "hub-layer-in-keras3-model"
    summary = "hub.KerasLayer (a tf-keras layer) in a Keras 3 model (tf.keras from TF 2.16)"
    explanation = """\
From TF 2.16 `tf.keras` and `import keras` are Keras 3, while `hub.KerasLayer` is a
tf-keras layer. In `tf.keras.Sequential([...])` (or `.add()`) it raises `ValueError: Only
instances of keras.Layer can be added to a Sequential model`; called on a `tf.keras.Input`
tensor it raises `TypeError: ... A KerasTensor cannot be used as input to a TensorFlow
function`. Reported when the file shows the hub layer (a call, a name bound once to one, or
a function of the file returning one) reaching such a model, and `tf.keras` is Keras 3 at
the target: no `TF_USE_LEGACY_KERAS=1` that takes effect (`import keras` is Keras 3 anyway).

The fix is one of two, both whole-file: in a script that is a program's entry point (an
`if __name__ == "__main__":` block, or statements that run at module level) that spells
Keras only as `tf.keras`, set `TF_USE_LEGACY_KERAS=1` at its top, before anything imports
TensorFlow (measured: later is too late, since `hub.KerasLayer` re-imports
`tensorflow.keras`). Otherwise move every Keras spelling of the file to tf-keras: `import
tf_keras`, `tf.keras.X` -> `tf_keras.X`, `from tensorflow.keras import X` -> `from tf_keras
import X`, `import keras` -> `import tf_keras as keras`. Half a migration would mix the two
Keras again (a Keras 3 optimizer or callback on a tf-keras model fails too), so there is no
fix when a name the file uses does not exist in tf-keras (`keras.ops`, `keras.random`, ...),
when it imports a Keras 3 library (`keras_cv`, `keras_nlp`, ...), or when the model leaves
the file (returned from a library function, stored on an attribute, passed to code of
another module)."""
    fix_availability = "sometimes"
    VALID = (
        "import tensorflow_hub as hub\nimport tf_keras\n"
        "model = tf_keras.Sequential([hub.KerasLayer('m'), tf_keras.layers.Dense(1)])\n",
        "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\n"
        "import tensorflow as tf\nimport tensorflow_hub as hub\n"
        "model = tf.keras.Sequential([hub.KerasLayer('m'), tf.keras.layers.Dense(1)])\n",
        "import tensorflow_hub as hub\nembed = hub.KerasLayer('m')\nvectors = embed(['a'])\n",
    )
    INVALID = (
        Invalid(
            "import tensorflow as tf\nimport tensorflow_hub as hub\n\n"
            "model = tf.keras.Sequential([hub.KerasLayer('m'), tf.keras.layers.Dense(1)])\n",
            _SWITCH_LINES + "import tensorflow as tf\nimport tensorflow_hub as hub\n\n"
            "model = tf.keras.Sequential([hub.KerasLayer('m'), tf.keras.layers.Dense(1)])\n",
        ),
        Invalid(
            "import tensorflow as tf\nimport tensorflow_hub as hub\n\n\n"
            "def train(data):\n"
            "    inputs = tf.keras.Input((), dtype=tf.string)\n"
            "    outputs = tf.keras.layers.Dense(1)(hub.KerasLayer('m')(inputs))\n"
            "    model = tf.keras.Model(inputs, outputs)\n"
            "    model.compile(optimizer=tf.keras.optimizers.Adam(), loss='mse')\n"
            "    model.fit(data)\n",
            "import tf_keras\nimport tensorflow as tf\nimport tensorflow_hub as hub\n\n\n"
            "def train(data):\n"
            "    inputs = tf_keras.Input((), dtype=tf.string)\n"
            "    outputs = tf_keras.layers.Dense(1)(hub.KerasLayer('m')(inputs))\n"
            "    model = tf_keras.Model(inputs, outputs)\n"
            "    model.compile(optimizer=tf_keras.optimizers.Adam(), loss='mse')\n"
            "    model.fit(data)\n",
        ),
        Invalid(
            "import keras\nimport tensorflow_hub as hub\n\n\n"
            "def build():\n"
            "    model = keras.Sequential()\n"
            "    model.add(hub.KerasLayer('m'))\n"
            "    model.add(keras.layers.Lambda(keras.ops.relu))\n"
            "    model.summary()\n",
        ),
    )


class IneffectiveLegacySwitch(Rule):
    code = "HDL502"
    name = "ineffective-legacy-keras-switch"
    summary = "TF_USE_LEGACY_KERAS=1 that has no effect: set too late, with os.putenv, or to a value TF ignores"
    explanation = """\
`TF_USE_LEGACY_KERAS=1` makes `tf.keras` tf-keras (Keras 2) on TF 2.16+, which
`hub.KerasLayer` needs, but only if TensorFlow sees it in time. Measured under TF 2.21, each
ordering run as its own program: `import tensorflow` reads it for `from tensorflow.keras
import ...`; the first `tf.keras.<name>` access reads it for the attribute; `import
tensorflow_hub` reads `tf.keras` on import; and `hub.KerasLayer(handle)` re-imports
`tensorflow.keras`, so in a file that makes hub layers it must be set before TensorFlow is
imported at all (`import keras`, `import tf_keras` and `import tensorflow_hub` import it
too). Reported when a statement that surely ran before it already did one of these. Also
reported: `os.putenv(...)` (TensorFlow reads `os.environ`, which putenv does not change) and
values other than "1", "true", "True" (`"TRUE"` has no effect).

The fix moves a module-level setting (with `import os`) above the first statement that
could import TensorFlow, turns `os.putenv` into `os.environ[...] = ...`, and writes "1" for
a value TensorFlow ignores. A setting inside a function or block is reported without a fix."""
    fix_availability = "sometimes"
    VALID = (
        "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\n"
        "import tensorflow as tf\nimport tensorflow_hub as hub\n",
        "import os\nimport tensorflow_hub as hub\nos.environ['TF_USE_LEGACY_KERAS'] = '0'\n",
    )
    INVALID = (
        Invalid(
            "import os\nimport tensorflow as tf\nimport tensorflow_hub as hub\n\n"
            "os.environ['TF_USE_LEGACY_KERAS'] = '1'\n",
            "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\n"
            "import tensorflow as tf\nimport tensorflow_hub as hub\n",
        ),
        Invalid(
            "import os\nos.putenv('TF_USE_LEGACY_KERAS', '1')\nimport tensorflow as tf\n",
            "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\nimport tensorflow as tf\n",
        ),
        Invalid(
            "import os\nos.environ['TF_USE_LEGACY_KERAS'] = 'TRUE'\nimport tensorflow as tf\n",
            "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\nimport tensorflow as tf\n",
        ),
        Invalid(
            "import tensorflow_hub as hub\n\n\ndef main():\n"
            "    import os\n    os.environ['TF_USE_LEGACY_KERAS'] = '1'\n",
        ),
    )


class Keras3Checker(Checker):
    rules = (HubLayerInKeras3Model, IneffectiveLegacySwitch)
    gate = re.compile(r"KerasLayer|TF_USE_LEGACY_KERAS")

    def check(self, ctx) -> Iterable[Diagnostic]:
        target = ctx.config.target()
        if not keras3_at(target):
            return
        aliases = Aliases(ctx.imports)
        scan = None
        if "KerasLayer" in ctx.text and any(i.path.startswith("tensorflow_hub") for i in ctx.imports):
            scan = ModelScan(aliases)
            ctx.module.visit(scan)
        switches = find_switches(ctx.module, aliases) if "TF_USE_LEGACY_KERAS" in ctx.text else []
        makes_hub_layers = bool(scan and any(h.api == "hub.KerasLayer" for h in scan.hub_calls))
        imports_tf_keras = any(i.path.startswith("tensorflow.keras") for i in ctx.imports)
        for switch in switches:
            late = late_because(switch, makes_hub_layers, imports_tf_keras)
            if not switch.accepted or late is not None:
                yield self._switch_finding(ctx, switch, late)
        if makes_hub_layers:
            # any setting of the switch takes tf.keras out: it works, or HDL502 says why not
            scan.keras3 = _keras3_names(legacy=bool(switches))
            yield from self._hub_findings(ctx, aliases, target, scan)

    # -- HDL501 ------------------------------------------------------------------------
    def _hub_findings(self, ctx, aliases, target, scan: ModelScan) -> Iterable[Diagnostic]:
        reaches = scan.reaches(_spelled)
        if not reaches:
            return
        fix, reason, remedy = _plan_hub_fix(ctx, aliases, target, scan, reaches)
        for reach in reaches:
            call = scan.span_call(reach)
            span = ctx.locator.call_span(call, scan.ordinal_of[id(call)], scan.call_count)
            yield ctx.diagnostic(HubLayerInKeras3Model, _reach_message(reach, target) + remedy,
                                 span, fix if ctx.want_fixes else None, reason)

    # -- HDL502 ------------------------------------------------------------------------
    def _switch_finding(self, ctx, switch: Switch, late) -> Diagnostic:
        problems = []
        if switch.how == "putenv":
            problems.append("os.putenv() does not change os.environ, which TensorFlow reads")
        elif switch.value not in ("1", "true", "True"):
            problems.append(f"TensorFlow takes only \"1\", \"true\" or \"True\", not {switch.value!r}")
        if late is not None:
            problems.append(_late_text(ctx, late))
        message = "TF_USE_LEGACY_KERAS=1 has no effect: " + "; ".join(problems)
        fix, reason = (_plan_switch_fix(ctx, switch, late) if ctx.want_fixes else (None, None))
        span = _line_span(ctx, switch)
        return ctx.diagnostic(IneffectiveLegacySwitch, message, span, fix, reason)


def _keras3_names(legacy: bool):
    """`keras3(path)` for ModelScan: the Keras 3 API name (`layers.Dense`) a path stands for
    in this file, None when it is not Keras 3 here (tf.keras with the switch set)."""
    def keras3(path: Optional[str]) -> Optional[str]:
        public = keras_public(path)
        if public is None or public == "tf.keras" or legacy and path.startswith("tensorflow"):
            return None
        return public[len("tf.keras."):]
    return keras3


def _spelled(path: Optional[str]) -> str:
    public = keras_public(path) or "tf.keras.Sequential"
    return public if (path or "").startswith("tensorflow") else public[len("tf."):]


_NO_FIX_REMEDY = ("; build the model with tf-keras (import tf_keras) or set "
                  "TF_USE_LEGACY_KERAS=1 before TensorFlow is imported")


def _reach_message(reach: Reach, target: str) -> str:
    where = {
        "sequential": f"in {reach.spelled}([...]), a Keras 3 model in TF {target}: "
                      "ValueError: Only instances of keras.Layer can be added to a Sequential model",
        "add": f"added to a Keras 3 Sequential model (TF {target}): ValueError: Only instances "
               "of keras.Layer can be added to a Sequential model",
        "functional": f"called on a Keras 3 input tensor (TF {target}): TypeError: a KerasTensor "
                      "cannot be used as input to a TensorFlow function",
    }[reach.how]
    return "hub.KerasLayer (a tf-keras layer) " + where


def _plan_hub_fix(ctx, aliases, target, scan: ModelScan, reaches: List[Reach]):
    """(fix, reason, remedy text): the switch for an entry point spelling only tf.keras,
    else the whole-file tf-keras rewrite, else nothing (and why)."""
    entry = scan.main_guard or scan.module_calls or any(r.unit.kind == "module" for r in reaches)
    package = [i for i in ctx.imports if i.path == "keras" or i.path.startswith("keras.")]
    if entry and not package:
        why = first_keras3_only(ctx, aliases, target)
        anchor = earliest_anchor(ctx.module)
        if why is None and isinstance(anchor, cst.SimpleStatementLine):
            text = ("" if binds_os_before(ctx.module, anchor) else "import os\n") + switch_statement()
            order = (list(ctx.module.body).index(anchor), -1)
            fix = Fix("set TF_USE_LEGACY_KERAS=1 before anything imports TensorFlow",
                      ensure=(Ensure(anchor, text, ctx.module, order),))
            return fix, None, ("; fixed by setting TF_USE_LEGACY_KERAS=1 at the top of this "
                               "entry-point script, before TensorFlow is imported")
    for reach in reaches:
        for model, unit in scan.models_of(reach):
            why = scan.hands_away(model, unit, entry)
            if why:
                return None, f"the model leaves this file ({why}): move its users to tf-keras too", \
                    _NO_FIX_REMEDY
    fix, reason = plan_rewrite(ctx, aliases, target)
    if fix is None:
        return None, reason, _NO_FIX_REMEDY
    return fix, None, "; fixed by moving the file's Keras to tf-keras (import tf_keras)"


def _late_text(ctx, load) -> str:
    where = f"`{load.what}`"
    for imp in ctx.imports:
        if imp.site.line is load.line:
            where += f" (line {ctx.import_span(imp)[0]})"
            break
    if load.loads_keras:
        return f"it is set after {where}, which already loaded Keras 3 as tf.keras"
    return (f"it is set after {where} imported TensorFlow, which routes tensorflow.keras "
            "imports (hub.KerasLayer makes one) to Keras 3")


def _line_span(ctx, switch: Switch) -> Tuple[int, int, int, int]:
    """The call that sets it, or the `os.environ[...]` of an assignment."""
    if isinstance(switch.small, cst.Expr):
        node, kind = switch.small.value, cst.Call
    else:
        node, kind = switch.small.targets[0].target, cst.Subscript
    counter = _Ordinal(node, kind)
    ctx.module.visit(counter)
    if kind is cst.Call:
        return ctx.locator.call_span(node, counter.ordinal, counter.total)
    return ctx.locator.subscript_span(node, counter.ordinal, counter.total)


class _Ordinal(cst.CSTVisitor):
    """Index of `node` among the module's nodes of its kind, in pre-order outside imports."""

    def __init__(self, node, kind):
        super().__init__()
        self.node, self.kind = node, kind
        self.total = 0
        self.ordinal = 0

    def visit_Import(self, node):
        return False

    def visit_ImportFrom(self, node):
        return False

    def on_visit(self, node):
        if isinstance(node, self.kind):
            if node is self.node:
                self.ordinal = self.total
            self.total += 1
        return super().on_visit(node)


def _plan_switch_fix(ctx, switch: Switch, late) -> Tuple[Optional[Fix], Optional[str]]:
    value = switch.value if switch.value in ("1", "true", "True") else "1"
    if late is None:
        return _repair_in_place(switch, value)
    if not switch.top_level:
        return None, ("it is set inside a function or block: set it at the top of the "
                      "program's entry point, before TensorFlow is imported")
    anchor = earliest_anchor(ctx.module)
    if not isinstance(anchor, cst.SimpleStatementLine):
        return None, "the first import that may load TensorFlow is inside a compound statement"
    text = ctx.module.code_for_node(switch.small).strip()
    if switch.how == "putenv" or value != switch.value or not text.startswith("os."):
        text = switch_statement(value)
    removed = switch.small
    if len(switch.line.body) == 1:  # the whole line moves, with its comments
        removed = switch.line
        comments = [line.comment.value for line in switch.line.leading_lines if line.comment]
        trailing = switch.line.trailing_whitespace.comment
        text = "\n".join([*comments, text + (f"  {trailing.value}" if trailing else "")])
    if not binds_os_before(ctx.module, anchor):
        text = "import os\n" + text
    order = (list(ctx.module.body).index(anchor), -1)
    return Fix("move the TF_USE_LEGACY_KERAS setting above the first import of TensorFlow",
               replace=((removed, cst.RemoveFromParent()),),
               ensure=(Ensure(anchor, text, ctx.module, order),)), None


def _repair_in_place(switch: Switch, value: str) -> Tuple[Optional[Fix], Optional[str]]:
    small = switch.small
    if switch.how == "putenv":
        func = small.value.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return None, "putenv is not spelled os.putenv: assign os.environ by hand"
        key, given = (small.value.args[0].value, small.value.args[1].value)
        literal = given if value == switch.value else cst.SimpleString(f'"{value}"')
        new = cst.parse_statement(f"{func.value.value}.environ[{_code(key)}] = {_code(literal)}").body[0]
        return Fix("set os.environ instead of os.putenv", replace=((small, new),)), None
    literal = _value_literal(small)
    if literal is None:
        return None, "the value is not a plain string literal"
    quote = literal.prefix + literal.quote
    new = cst.SimpleString(f"{quote}{value}{literal.quote}")
    return Fix(f'set it to "{value}"', replace=((literal, new),)), None


def _code(node) -> str:
    return cst.Module([]).code_for_node(node)


def _value_literal(small) -> Optional[cst.SimpleString]:
    if isinstance(small, cst.Assign):
        node = small.value
    else:
        call = small.value
        args = call.args
        node = args[-1].value
        if isinstance(node, cst.Dict):
            node = next((e.value for e in node.elements if isinstance(e, cst.DictElement)
                         and isinstance(e.key, cst.SimpleString)
                         and e.key.evaluated_value == "TF_USE_LEGACY_KERAS"), None)
        else:
            node = next((a.value for a in args if a.keyword is not None
                         and a.keyword.value == "TF_USE_LEGACY_KERAS"), node)
    return node if isinstance(node, cst.SimpleString) else None
