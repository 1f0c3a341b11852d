"""HDL5xx: TensorFlow Hub and Keras 3 (TF 2.16 and later).

From TF 2.16 `tf.keras` is Keras 3, while `hub.KerasLayer` is a tf-keras (Keras 2) layer:
putting one into a Keras 3 model raises. `--target-tf` decides whether `tf.keras` is Keras 3
(from the keras wheel the data was read from for that release); before 2.16 nothing here
reports. What `TF_USE_LEGACY_KERAS` does, and when, was measured under TF 2.21 (see
analysis/keras_switch.py and tests/test_tf_legacy_switch.py).
"""

from __future__ import annotations

import re
from typing import Iterable, List, NamedTuple, Optional, Sequence, Tuple

import libcst as cst

from ..ast_nodes import parse_quietly
from ..checking import FixPlan, ImportScan, LintContext, context_of_file
from .. import apimap, import_failures, project_reads
from ..diagnostics import Diagnostic, Ensure, Fix
from ..history import release_ranges
from ..analysis.keras_models import HUB, HeldHubLayer, ModelScan, Reach
from ..analysis.names import Names
from ..analysis.project_models import (ModuleModels, ParameterReach, ProjectModels, imports_hub_maker,
                                       module_classes, top_level_imports)
from ..files import own_package
from ..gates import AnyOf, line_matches, names_identifier
from ..analysis.keras_switch import (Switch, binds_os_before, earliest_anchor, find_switches,
                                     late_because, set_some_other_way, switch_lines,
                                     switch_statement)
from ..fixes.tf_keras_rewrite import first_keras3_only, legacy_keras_import, plan_rewrite, uses_hub_layer
from ..keras_facts import (TF_KERAS, api_tree_public, keras3_at, keras3_has, keras_api_trees,
                           keras_public, reexported_from)
from .base import Checker, Invalid, Rule

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
A hub layer passed to a module-level function whose parameter reaches such a model
(directly, or handed on to another function) is reported where it is passed.

Across the modules of the project (a file on disk, or a notebook, and the modules it
imports at its top, found as Python finds them): a hub layer passed to a function of
another module whose parameter reaches a Keras 3 model there (directly or handed on to
another function of that module), and a hub layer made by another module's function or
`hub.KerasLayer` subclass that reaches this file's Keras 3 model. Such findings read the
other file: the cache keeps them only while that file is unchanged. A hub layer passed to another
module's model is fixed only by the switch (in an entry point or notebook, when that module
spells Keras only as `tf.keras`): moving this file alone to tf-keras leaves that model Keras 3.

The fix is one of two, both whole-file: in a Jupyter notebook (a kernel runs it from its
start; a running kernel must be restarted) or a script proven to be a program's entry point,
that spells Keras only as `tf.keras`, set `TF_USE_LEGACY_KERAS=1` at its top, before anything
imports TensorFlow (measured: later is too late, since `hub.KerasLayer` re-imports
`tensorflow.keras`), as `if "TF_USE_LEGACY_KERAS" not in os.environ:` and the assignment
(flake8's E402 allows an `if` among the imports; a value the environment gives is kept).
A script is proven an entry point when it runs as a program (an `if __name__ ==
"__main__":` block, or statements at module level), no file of the project imports it, and
no package `__init__.py` above it imports anything first: a `__main__` block alone may be a
model module's smoke test, imported by a training script after TensorFlow. Otherwise move every Keras spelling of the file to tf-keras: `import
tf_keras`, `tf.keras.X` -> `tf_keras.X`, `from tensorflow.keras import X` -> `from tf_keras
import X`, `import keras` -> `import tf_keras as keras`. Half a migration would mix the two
Keras again (a Keras 3 optimizer or callback on a tf-keras model fails too), so there is no
fix when a name the file uses does not exist in tf-keras (`keras.ops`, `keras.random`, ...),
when it imports a Keras 3 library (`keras_cv`, `keras_nlp`, ...), or when the model leaves
the file (returned from a library function, stored on an attribute, passed to code of
another module)."""
    fix_availability = "sometimes"
    fix_summary = "sets TF_USE_LEGACY_KERAS=1 before anything loads Keras (an entry point), or moves the file's Keras to tf_keras"
    unsafe_when = ("in a .py file: the switch works only where the file is what first imports TensorFlow "
                   "(a program may import it after TensorFlow), and the tf-keras rewrite hands other "
                   "code tf-keras objects; the switch in a notebook is safe")
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
            "import tf_keras\nimport tensorflow as tf\nimport tensorflow_hub as hub\n\n"
            "model = tf_keras.Sequential([hub.KerasLayer('m'), tf_keras.layers.Dense(1)])\n",
            unsafe=True,
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
            unsafe=True,
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
    summary = ("TF_USE_LEGACY_KERAS=1 that has no effect (set too late, with os.putenv, or to a "
               "value TF ignores) or works only by the order of the reads (set after TensorFlow "
               "is imported)")
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

After a load of Keras (`tf.keras.<name>`, `from tensorflow.keras import`, `import
tensorflow_hub`) the setting has no effect, and the message says so. After `import
tensorflow` alone it is *fragile*, and the message says that instead: it works while every
Keras name the program uses is read through `tf.keras`, or bound by `from tensorflow import
keras`, after the setting, and (through `tf.keras`) before the first `hub.KerasLayer(handle)`
is built (measured: such a program trains with tf-keras); a `tf.keras.<name>` read after that
call, or a `from tensorflow.keras import`, gets Keras 3.

The fix moves a module-level setting (with `import os`) above the first statement that
could import TensorFlow, as `if "TF_USE_LEGACY_KERAS" not in os.environ:` and the assignment
(no E402 from flake8 on the imports below it), in a file no other file of the project
imports (elsewhere moving it up proves nothing); it turns `os.putenv` into `os.environ[...] =
...`, and writes "1" for a value TensorFlow ignores. A setting inside a function or block is
reported without a fix."""
    fix_availability = "sometimes"
    fix_summary = 'moves the setting (and `import os`) above the first statement that loads Keras'
    unsafe_when = ("in a .py file: it takes effect only where the file is what first imports "
                   "TensorFlow, and then switches tf.keras to tf-keras for the whole program; "
                   "in a notebook it is safe")
    VALID = (
        "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\n"
        "import tensorflow as tf\nimport tensorflow_hub as hub\n",
        "import os\nimport tensorflow_hub as hub\nos.environ['TF_USE_LEGACY_KERAS'] = '0'\n",
    )
    INVALID = (
        Invalid(
            "import os\nimport tensorflow as tf\nimport tensorflow_hub as hub\n\n"
            "os.environ['TF_USE_LEGACY_KERAS'] = '1'\n",
        ),
        Invalid(
            "import os\nos.putenv('TF_USE_LEGACY_KERAS', '1')\nimport tensorflow as tf\n",
            "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\nimport tensorflow as tf\n",
            unsafe=True,
        ),
        Invalid(
            "import os\nos.environ['TF_USE_LEGACY_KERAS'] = 'TRUE'\nimport tensorflow as tf\n",
            "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\nimport tensorflow as tf\n",
            unsafe=True,
        ),
        Invalid(
            "import tensorflow_hub as hub\n\n\ndef main():\n"
            "    import os\n    os.environ['TF_USE_LEGACY_KERAS'] = '1'\n",
        ),
    )


class UntrackedHubLayer(Rule):
    code = "HDL504"
    name = "untracked-hub-layer"
    summary = "A trainable hub.KerasLayer held by a Keras 3 Model or Layer subclass: fit() trains nothing of it"
    explanation = """\
`self.encoder = hub.KerasLayer(handle, trainable=True)` in a subclass of `tf.keras.Model` (or
`tf.keras.layers.Layer`) raises nothing from TF 2.16, where `tf.keras` is Keras 3: the model
builds, calls the hub layer and trains. But Keras 3 tracks only Keras 3 layers and variables,
and `hub.KerasLayer` is a tf-keras layer: its variables are missing from
`model.trainable_variables` and `fit()` leaves them unchanged, so the fine-tuning silently does
nothing (measured under TF 2.21: 2 trainable variables instead of 3, the hub weights unchanged
after `fit`; with tf-keras they train). Reported for a `hub.KerasLayer(..., trainable=True)`
call (or a name bound once to one) stored on `self` in a method of a class deriving from a
Keras 3 `Model` or `Layer` (through classes of the file, or of another module of the project
it imports: EfficientDet's `EfficientDetNetTrainHub`). With `trainable=False` (the default) nothing is reported: the
measured inference, `fit` of the other layers, `predict`, `evaluate` and weight saving all
work.

The fix is HDL501's: `TF_USE_LEGACY_KERAS=1` at the top of an entry point, else the file's
Keras moved to tf-keras; none when the class is only instantiated by other modules."""
    fix_availability = "sometimes"
    fix_summary = "sets TF_USE_LEGACY_KERAS=1 before anything loads Keras (an entry point), or moves the file's Keras to tf_keras"
    unsafe_when = HubLayerInKeras3Model.unsafe_when
    VALID = (
        "import tensorflow as tf\nimport tensorflow_hub as hub\n\n\n"
        "class Classifier(tf.keras.Model):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.encoder = hub.KerasLayer('m')\n",
        "import tensorflow_hub as hub\nimport tf_keras\n\n\n"
        "class Classifier(tf_keras.Model):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.encoder = hub.KerasLayer('m', trainable=True)\n",
    )
    INVALID = (
        Invalid(
            "import tensorflow as tf\nimport tensorflow_hub as hub\n\n\n"
            "class Classifier(tf.keras.Model):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.encoder = hub.KerasLayer('m', trainable=True)\n"
            "        self.head = tf.keras.layers.Dense(1)\n\n"
            "    def call(self, inputs):\n"
            "        return self.head(self.encoder(inputs))\n\n\n"
            "def train(data):\n"
            "    model = Classifier()\n"
            "    model.compile(optimizer='adam', loss='mse')\n"
            "    model.fit(data)\n",
            "import tf_keras\nimport tensorflow as tf\nimport tensorflow_hub as hub\n\n\n"
            "class Classifier(tf_keras.Model):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.encoder = hub.KerasLayer('m', trainable=True)\n"
            "        self.head = tf_keras.layers.Dense(1)\n\n"
            "    def call(self, inputs):\n"
            "        return self.head(self.encoder(inputs))\n\n\n"
            "def train(data):\n"
            "    model = Classifier()\n"
            "    model.compile(optimizer='adam', loss='mse')\n"
            "    model.fit(data)\n",
            unsafe=True,
        ),
        Invalid(
            "import tensorflow as tf\nimport tensorflow_hub as hub\n\n\n"
            "class Classifier(tf.keras.Model):\n"
            "    def __init__(self, handle):\n"
            "        super().__init__()\n"
            "        self.encoder = hub.KerasLayer(handle, trainable=True)\n",
        ),
    )


class Keras3Checker(Checker):
    rules = (HubLayerInKeras3Model, IneffectiveLegacySwitch, UntrackedHubLayer)
    gate = AnyOf("TF_USE_LEGACY_KERAS", identifiers=("KerasLayer",))

    def admits(self, text: str, path: str) -> bool:
        # a Keras model built around what a module of the project gives (a hub layer it
        # returns, a hub.KerasLayer subclass): a file on disk that imports a project module
        return bool(self.gate.search(text) or _builds_keras_models(text) and path.endswith((".py", ".ipynb"))
                    and project_reads.is_file(path) and imports_hub_maker(text, path))

    reads_imports = True

    def decides_from_imports(self, scan: ImportScan) -> bool:
        # what `check` looks at before its walks: the text, the imports, the files they name
        return not keras3_at(scan.target) or (
            "TF_USE_LEGACY_KERAS" not in scan.text and not _follows_hub_layers(scan)[0])

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        target = ctx.target
        if not keras3_at(target):
            return
        follows, project = _follows_hub_layers(ctx)
        if not follows and "TF_USE_LEGACY_KERAS" not in ctx.text:
            return
        names = ctx.names
        scan = ctx.value_graph if follows else None
        if scan is not None:
            scan.project = project
        switches = find_switches(ctx.module, names) if "TF_USE_LEGACY_KERAS" in ctx.text else []
        makes_hub_layers = bool(scan and any(h.api == "hub.KerasLayer" and _loads_a_handle(h, scan)
                                             for h in scan.made))
        imports_tf_keras = any(i.path.startswith("tensorflow.keras") for i in ctx.imports)
        # legacy-keras: the project's entry point or environment set it before this file ran
        configured = ctx.config.legacy_keras
        for switch in switches:
            late = None if configured else late_because(switch, makes_hub_layers, imports_tf_keras)
            if not switch.accepted or late is not None:
                yield self._switch_finding(ctx, switch, late, makes_hub_layers,
                                           _routes_tensorflow_keras(ctx))
        if scan is not None and (any(h.api == "hub.KerasLayer" for h in scan.made)
                                 or scan.hub_subclasses() or project is not None):
            legacy = _legacy_in_force(ctx, switches)
            scan.keras3 = _keras3_names(legacy)
            yield from self._hub_findings(ctx, names, target, scan, legacy)

    # -- HDL501 ------------------------------------------------------------------------
    def _hub_findings(self, ctx: LintContext, names: Names, target: str,
                      scan: ModelScan, legacy: bool) -> Iterable[Diagnostic]:
        reaches = scan.reaches(_spelled)
        if legacy:  # the switch set here may make the other module's tf.keras tf-keras too
            reaches = [reach for reach in reaches if reach.passed_to is None]
        held = scan.held_hub_layers(_spelled)
        if not reaches and not held:
            return
        plan = _plan_hub_fix(ctx, names, target, scan, reaches, held)
        for reach in reaches:
            call = scan.span_call(reach)
            span = ctx.span(call)
            yield ctx.diagnostic(HubLayerInKeras3Model, _reach_message(reach, target, scan, ctx) + plan.remedy,
                                 span, plan.fix if ctx.want_fixes else None, plan.reason)
        for layer in held:
            message = (f"trainable hub.KerasLayer (a tf-keras layer) held by {layer.cls.name.value}, a "
                       f"{layer.base} subclass (Keras 3 in TF {target}): Keras 3 does not track a "
                       "tf-keras layer's variables, so they are missing from trainable_variables "
                       "and fit() leaves them unchanged")
            yield ctx.diagnostic(UntrackedHubLayer, message + plan.remedy, ctx.span(layer.call),
                                 plan.fix if ctx.want_fixes else None, plan.reason)

    # -- HDL502 ------------------------------------------------------------------------
    def _switch_finding(self, ctx: LintContext, switch: Switch, late,
                        makes_hub_layers: bool, routes_tf_keras: bool) -> Diagnostic:
        problems = []
        if switch.how == "putenv":
            problems.append("os.putenv() does not change os.environ, which TensorFlow reads")
        elif switch.value not in ("1", "true", "True"):
            problems.append(f"TensorFlow takes only \"1\", \"true\" or \"True\", not {switch.value!r}")
        if late is not None and late.loads_keras:
            problems.append(_late_text(ctx, late))
        setting = (f"TF_USE_LEGACY_KERAS={switch.value}" if switch.value == "1"
                   else f"TF_USE_LEGACY_KERAS={switch.value!r}")
        if problems:
            message = f"{setting} has no effect: " + "; ".join(problems)
            if late is not None and not late.loads_keras:
                message += "; and " + _fragile_text(ctx, late, makes_hub_layers)
        elif routes_tf_keras:
            message = (f"{setting} has no effect on this file's tensorflow.keras imports: it is "
                       f"set after {_load_text(ctx, late)} imported TensorFlow, which routes "
                       "them to Keras 3; set it before TensorFlow is imported")
        else:
            # after TensorFlow alone it works for some reads and not others (measured)
            message = f"{setting} is fragile: " + _fragile_text(ctx, late, makes_hub_layers)
        fix, reason = (_plan_switch_fix(ctx, switch, late) if ctx.want_fixes else (None, None))
        if fix is not None and ctx.source_kind != "notebook":
            fix = fix.unsafe(_ENTRY_POINT_CAVEAT + "; and it switches tf.keras to tf-keras for "
                             "the whole program")
        span = _line_span(ctx, switch)
        return ctx.diagnostic(IneffectiveLegacySwitch, message, span, fix, reason)


def _legacy_in_force(ctx: LintContext, switches: Sequence[Switch]) -> bool:
    """Whether tf.keras may be tf-keras in this file: any setting of the switch takes it out
    (it works, or HDL502 says why not), so does one made in a way that cannot be read, and
    the `legacy-keras` setting (the project's entry point or environment sets it)."""
    return ctx.config.legacy_keras or bool(switches) or (
        "TF_USE_LEGACY_KERAS" in ctx.text and set_some_other_way(ctx.module, ctx.names))


def _follows_hub_layers(ctx: LintContext) -> Tuple[bool, Optional[ProjectModels]]:
    """Whether HDL501/504 follow hub layers in this file (it makes them, or builds a Keras
    model around a module of the project that does), and the project modules it reads."""
    if names_identifier(ctx.text, "KerasLayer") and any(i.path.startswith("tensorflow_hub") for i in ctx.imports):
        return True, _project_models(ctx)
    if not _builds_keras_models(ctx.text):
        return False, None
    project = _project_models(ctx)
    return project is not None and project.imports_hub_maker(), project


# what a file building a Keras model around another module's hub layer must show
def _builds_keras_models(text: str) -> bool:
    return "Sequential(" in text or "Input(" in text or "TimeDistributed(" in text  # no regex: cheap


def _project_models(ctx: LintContext) -> Optional[ProjectModels]:
    """The project modules this file imports, summarized for what they do with hub layers."""
    if not project_reads.is_file(ctx.path):
        return None
    config, target = ctx.config, ctx.target

    def summarize(path: str, name: str) -> Optional[ModuleModels]:
        stamp = project_reads.stamp(path)
        if stamp is None:
            return None
        key = (path, stamp, target, config.legacy_keras)
        if key not in _SUMMARIES:
            if len(_SUMMARIES) > 512:
                _SUMMARIES.clear()
            text = project_reads.read_source(path)
            _SUMMARIES[key] = None if text is None else _ProjectModule(path, text, config, target)
        module = _SUMMARIES[key]
        return module.summary(name) if module is not None else None

    return ProjectModels(ctx.path, ctx.locator.ast_tree(), summarize)


# modules of the project by (path, mtime, size, target, legacy-keras): one per content per process
_SUMMARIES: dict = {}


class _ProjectModule:
    """A module of the project, as the names asked of it need it: its imports from `ast`
    (they may re-export another module's names), and its libcst summary only where the
    name asked may give or take a hub layer or be a Keras 3 class. Each is reached through
    a name the text spells: KerasLayer, Sequential( (or Input(, TimeDistributed(), a keras
    path for a Keras 3 base (tf.optimizers and the other keras aliases name no model or
    layer); other modules of the project are not followed from here."""

    def __init__(self, path: str, text: str, config, target: str):
        self.path, self.text, self.config, self.target = path, text, config, target
        tree = parse_quietly(text)
        self.light = ModuleModels(path, imported=top_level_imports(tree) if tree is not None else {})
        # None: every name needs the summary (no ast tree: a grammar newer than this Python)
        self.summarized_names = (None if tree is None or names_identifier(text, "KerasLayer") or _builds_keras_models(text)
                                 else module_classes(tree) if "keras" in text else frozenset())
        self._full: Optional[ModuleModels] = None
        self._looks: Optional[project_reads.Reads] = None  # what summarizing looked at

    def summary(self, name: str) -> Optional[ModuleModels]:
        """A summary true of `name` (and of the module's imports)."""
        if self.summarized_names is not None and name not in self.summarized_names:
            return self.light
        if self._looks is None:
            with project_reads.recording() as self._looks:
                try:
                    self._full = _module_models(self.path, self.text, self.config, self.target)
                except RecursionError:  # nesting deeper than the walks go: that module says nothing
                    self._full = None
        else:  # a later asker depends on what it looked at too
            self._looks.replay()
        return self._full


def _module_models(path: str, text: str, config, target: str) -> Optional[ModuleModels]:
    """What a module of the project does with hub layers (its text, already read)."""
    ctx = context_of_file(path, config, target, text)
    if ctx is None:
        return None
    tree = ctx.locator.ast_tree()
    imported = top_level_imports(tree) if tree is not None else {}
    switches = find_switches(ctx.module, ctx.names) if "TF_USE_LEGACY_KERAS" in ctx.text else []
    keras3 = _keras3_names(_legacy_in_force(ctx, switches))
    scan = ctx.value_graph
    scan.keras3 = keras3
    units = {unit.node.name.value: unit for unit in scan.units
             if unit.parent is not None and unit.parent.kind == "module" and unit.kind in ("function", "class")}
    returns_hub, hub_classes = frozenset(), frozenset()
    if names_identifier(ctx.text, "KerasLayer"):  # a hub layer is made through that name (see _ProjectModule)
        returns_hub = frozenset(name for name, unit in units.items()
                                if unit.kind == "function" and scan.returned_kind(unit) == HUB)
        hub_classes = frozenset(name for name, unit in units.items()
                                if unit.kind == "class" and scan.is_hub_class(unit.node))
    parameters = {}
    if _builds_keras_models(ctx.text):
        judged = scan.parameters_scan()
        for function, reached in judged.parameter_reaches(_spelled).items():
            parameters[function] = {
                name: ParameterReach(index if index >= 0 else None, reach.how,
                                     ctx.span(judged.span_call(reach))[0], reach.spelled)
                for name, (reach, index) in reached.items()}
    keras3_classes = {name: base for name, unit in units.items() if unit.kind == "class"
                      for base in [scan.keras3_base(unit.node)] if base is not None}
    # read only of a module a hub layer is passed into (through its parameters)
    switchable = bool(parameters) and (
        not any(i.path == "keras" or i.path.startswith("keras.") for i in ctx.imports)
        and first_keras3_only(ctx, ctx.names, ctx.target) is None)
    return ModuleModels(path, returns_hub, hub_classes, parameters, keras3_classes, switchable, imported)


def _loads_a_handle(hub_call, scan: ModelScan) -> bool:
    """hub.KerasLayer(handle) loads the handle, re-importing tensorflow.keras on the way
    (tensorflow_hub/keras_layer.py, load_module); a callable (an object already loaded, a
    signature) is used as it is. Anything but a call, `x.signatures[...]` or a name bound to
    one of these counts as a handle."""
    args = hub_call.call.args
    handle = next((a.value for a in args if a.keyword is None or a.keyword.value == "handle"), None)
    if isinstance(handle, cst.Name):
        found = scan.lookup(handle)
        handle = found[0] if isinstance(found, tuple) else handle
    if handle is None or isinstance(handle, cst.Call):
        return False
    return not (isinstance(handle, cst.Subscript) and isinstance(handle.value, cst.Attribute)
                and handle.value.attr.value == "signatures")


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


# Why a TF_USE_LEGACY_KERAS fix in a .py file is unsafe: a notebook is run from its start,
# a file may be imported by a program (or a test runner) that imported TensorFlow first.
_ENTRY_POINT_CAVEAT = ("it takes effect only where this file is what first imports TensorFlow "
                       "(run as a script, not imported after TensorFlow by a program or a test runner)")

_NO_FIX_REMEDY = ("; build the model with tf-keras (import tf_keras) or set "
                  "TF_USE_LEGACY_KERAS=1 before TensorFlow is imported")


_ERRORS = {
    "sequential": "ValueError: Only instances of keras.Layer can be added to a Sequential model",
    "add": "ValueError: Only instances of keras.Layer can be added to a Sequential model",
    "functional": "TypeError: a KerasTensor cannot be used as input to a TensorFlow function",
    "wrapped": "ValueError: Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance",
}


_WHAT_IT_DOES = {
    "sequential": "puts it in {spelled}([...])",
    "add": "adds it to a Keras 3 Sequential model",
    "functional": "calls it on Keras 3 input tensors",
    "wrapped": "wraps it in {spelled}",
}


def _callee_name(call: cst.Call) -> str:
    return call.func.value if isinstance(call.func, cst.Name) else _code(call.func)


def _reach_message(reach: Reach, target: str, scan: ModelScan, ctx: LintContext) -> str:
    if reach.inner is not None:
        inner = reach.inner
        line = ctx.span(scan.parameters_scan().span_call(inner))[0]
        return (f"hub.KerasLayer (a tf-keras layer) passed to {_callee_name(reach.call)}(), which "
                f"{_WHAT_IT_DOES[inner.how].format(spelled=inner.spelled)} (line {line}; Keras 3 in TF "
                f"{target}): {_ERRORS[inner.how]}")
    if reach.how == "passed":
        callee, there = reach.passed_to
        root = scan.project.root if scan.project is not None else ""
        what = _WHAT_IT_DOES[there.how].format(spelled=there.spelled)
        return (f"hub.KerasLayer (a tf-keras layer) passed to {callee.name}() of {callee.where(root)}, "
                f"which {what} ({callee.where(root)}:{there.line}; Keras 3 in TF {target}): {_ERRORS[there.how]}")
    where = {
        "sequential": f"in {reach.spelled}([...]), a Keras 3 model in TF {target}",
        "add": f"added to a Keras 3 Sequential model (TF {target})",
        "functional": f"called on a Keras 3 input tensor (TF {target})",
        "wrapped": f"wrapped in {reach.spelled}, a Keras 3 layer (TF {target})",
    }[reach.how] + ": " + _ERRORS[reach.how]
    argument = reach.call.args[0].value
    if reach.how == "functional" and (isinstance(argument, (cst.List, cst.Tuple, cst.Dict)) or isinstance(
            argument, cst.Call) and isinstance(argument.func, cst.Name) and argument.func.value == "dict"):
        where = where.replace("a Keras 3 input tensor", "Keras 3 input tensors (in a list or dict)")
    return "hub.KerasLayer (a tf-keras layer) " + _made_elsewhere(reach, scan) + where


def _made_elsewhere(reach: Reach, scan: ModelScan) -> str:
    """`(made by encoder() of utils/models.py) `: a hub layer another project module gives."""
    hub = reach.hub
    if isinstance(hub, cst.Name):
        found = scan.lookup(hub)
        hub = found[0] if isinstance(found, tuple) else hub
    callee = scan.project_callee(hub.func) if isinstance(hub, cst.Call) else None
    if callee is None:
        return ""
    root = scan.project.root if scan.project is not None else ""
    return f"(made by {callee.name}() of {callee.where(root)}) "


class HubFixPlan(NamedTuple):
    """HDL501's plan for the file, and the remedy its messages end with."""

    fix: Optional[Fix]
    reason: Optional[str]
    remedy: str


def _plan_hub_fix(ctx: LintContext, names: Names, target: str, scan: ModelScan,
                  reaches: List[Reach], held: Sequence[HeldHubLayer] = ()) -> HubFixPlan:
    """The switch for an entry point spelling only tf.keras, else the whole-file tf-keras
    rewrite, else nothing (and why). `held`: HDL504's findings, whose models are the
    instances the file makes of their classes."""
    notebook = ctx.source_kind == "notebook"  # a kernel runs it from a fresh start
    runs = notebook or scan.main_guard or scan.module_calls or any(r.unit.kind == "module" for r in reaches)
    # a __main__ block does not make a .py file the program's entry point: its project may
    # import it after TensorFlow (analysis/entry_point.py says what proves it)
    not_entry = ctx.not_entry_point() if runs else None
    entry = runs and not_entry is None
    package = [i for i in ctx.imports if i.path == "keras" or i.path.startswith("keras.")]
    legacy = legacy_keras_import(ctx.imports)
    if legacy:
        return HubFixPlan(None, legacy, _NO_FIX_REMEDY)
    # a hub layer passed to another module's model: only the switch changes that model
    passed = [reach.passed_to[0] for reach in reaches if reach.passed_to is not None]
    root = scan.project.root if scan.project is not None else ""
    keras3_elsewhere = next((c for c in passed if not c.models.switchable), None)
    no_switch = None  # why an entry point does not get the switch
    if entry and package:
        no_switch = "it imports keras (Keras 3 whatever the switch)"
    elif entry and keras3_elsewhere is not None:
        no_switch = f"{keras3_elsewhere.where(root)} uses Keras 3 (import keras, or a name tf-keras lacks)"
    elif entry:
        why = first_keras3_only(ctx, names, target)
        anchor = earliest_anchor(ctx.module)
        no_switch = (f"it uses {why}" if why else None if isinstance(anchor, cst.SimpleStatementLine)
                     else "its first statement is not one the switch can go before")
        if no_switch is None:
            text = ("" if binds_os_before(ctx.module, anchor) else "import os\n") + switch_lines()
            order = (list(ctx.module.body).index(anchor), -1)
            fix = Fix("set TF_USE_LEGACY_KERAS=1 before anything imports TensorFlow",
                      ensure=(Ensure(anchor, text, ctx.module, order),))
            if notebook:
                return HubFixPlan(fix, None, "; fixed by setting TF_USE_LEGACY_KERAS=1 before the "
                                  "notebook imports TensorFlow (restart a running kernel for it to apply)")
            return HubFixPlan(fix.unsafe(_ENTRY_POINT_CAVEAT), None,
                              "; hub-dist-fix --unsafe-fixes sets TF_USE_LEGACY_KERAS=1 at the top of "
                              "this entry-point script, before TensorFlow is imported")
    switch = f"; not the switch at its top, since {not_entry}" if not_entry else ""
    if passed:
        blocker = f"; not the switch at its top, since {no_switch}" if no_switch else switch
        where = {}  # module -> its functions the hub layers are passed to
        for callee in passed:
            where.setdefault(callee.where(root), []).append(f"{callee.name}()")
        shown = "; ".join(f"{module} ({', '.join(dict.fromkeys(names))})" for module, names in where.items())
        models = "models are" if len({(c.models.path, c.name) for c in passed}) > 1 else "model is"
        return HubFixPlan(None, f"the Keras 3 {models} built in {shown}: moving this file alone to tf-keras "
                          "would not change that; move those files to tf-keras too, or set "
                          f"TF_USE_LEGACY_KERAS=1 where the program starts{blocker}", _NO_FIX_REMEDY)
    # (the scan that knows the model's unit, the model, its unit)
    models = [(scan, model, unit) for reach in reaches if reach.inner is None
              for model, unit in scan.models_of(reach)]
    judged = scan.parameters_scan() if any(reach.inner is not None for reach in reaches) else None
    models += [(judged, model, unit) for reach in reaches if reach.inner is not None
               for model, unit in judged.models_of(reach.inner)]
    for layer in held:
        instances = scan.instances(layer.cls)
        if not instances:
            return HubFixPlan(None, f"the model leaves this file (this file makes no {layer.cls.name.value}: "
                              f"other modules do): move its users to tf-keras too{switch}",
                              _NO_FIX_REMEDY)
        models += [(scan, model, unit) for model, unit in instances]
    for graph, model, unit in models:
        why = graph.hands_away(model, unit, entry)
        if why:
            return HubFixPlan(None, f"the model leaves this file ({why}): move its users to "
                              f"tf-keras too{switch}", _NO_FIX_REMEDY)
    plan = plan_rewrite(ctx, names, target)
    if plan.fix is None:
        return HubFixPlan(None, plan.reason, _NO_FIX_REMEDY)
    switch = f" (not the switch at its top: {not_entry})" if not_entry else ""
    return HubFixPlan(plan.fix.unsafe("it moves the file's Keras to another implementation (tf-keras): "
                                      "Keras objects other code passes in or takes out must be tf-keras too"),
                      None, "; hub-dist-fix --unsafe-fixes moves the file's Keras to tf-keras (import "
                      f"tf_keras){switch}")


def _routes_tensorflow_keras(ctx: LintContext) -> bool:
    """The file imports through the import system's `tensorflow.keras` (`from tensorflow.keras
    import X`, `import tensorflow.keras`), which `import tensorflow` routed; `from tensorflow
    import keras` reads the attribute, which reads the switch when first used."""
    return any((imp.path if isinstance(imp.statement, cst.Import)
                else imp.path.rpartition(".")[0]).startswith("tensorflow.keras")
               for imp in ctx.imports)


def _load_text(ctx: LintContext, load) -> str:
    where = f"`{load.what}`"
    for imp in ctx.imports:
        if imp.site.line is load.line:
            where += f" (line {ctx.import_span(imp)[0]})"
            break
    return where


def _late_text(ctx: LintContext, load) -> str:
    return f"it is set after {_load_text(ctx, load)}, which already loaded Keras 3 as tf.keras"


def _fragile_text(ctx: LintContext, load, makes_hub_layers: bool) -> str:
    """Set after an import of TensorFlow that loaded no Keras: `import tensorflow` has routed
    `tensorflow.keras` imports to Keras 3, while `tf.keras` still reads the switch at its
    first attribute access (tests/test_tf_legacy_switch.py)."""
    text = (f"it is set after {_load_text(ctx, load)} imported TensorFlow, so it works only "
            "while every Keras name the program uses is read through tf.keras, or bound by "
            "`from tensorflow import keras`, after it")
    if makes_hub_layers:
        text += (" and before the first hub.KerasLayer(handle) is built (which imports "
                 "tensorflow.keras: tf.keras is Keras 3 from then on)")
    return (text + "; `from tensorflow.keras import ...` gets Keras 3 whatever it says; set it "
            "before TensorFlow is imported")


def _line_span(ctx: LintContext, switch: Switch) -> Tuple[int, int, int, int]:
    """The call that sets it, or the `os.environ[...]` of an assignment."""
    if isinstance(switch.small, cst.Expr):
        node = switch.small.value
    else:
        node = switch.small.targets[0].target
    return ctx.span(node)


def _plan_switch_fix(ctx: LintContext, switch: Switch, late) -> FixPlan:
    value = switch.value if switch.value in ("1", "true", "True") else "1"
    if late is None:
        return _repair_in_place(switch, value)
    if not switch.top_level:
        return FixPlan(None, ("it is set inside a function or block: set it at the top of the "
                              "program's entry point, before TensorFlow is imported"))
    not_entry = ctx.not_entry_point()
    if not_entry:
        return FixPlan(None, (f"moving it up proves nothing here: {not_entry}; set it at the top "
                              "of the program's entry point, before TensorFlow is imported"))
    anchor = earliest_anchor(ctx.module)
    if not isinstance(anchor, cst.SimpleStatementLine):
        return FixPlan(None, "the first import that may load TensorFlow is inside a compound statement")
    if switch.guard is not None:
        return _move_guarded(ctx, switch, anchor, value)
    text = ctx.module.code_for_node(switch.small).strip()
    if switch.how in ("assign", "setdefault", "putenv"):
        text = switch_lines(value)  # E402-clean among the imports it lands in
    elif value != switch.value or not text.startswith("os."):
        text = switch_statement(value)
    removed = switch.small
    if len(switch.line.body) == 1:  # the whole line moves, with its comments
        removed = switch.line
        comments = [line.comment.value for line in switch.line.leading_lines if line.comment]
        trailing = switch.line.trailing_whitespace.comment
        text = "\n".join([*comments, _with_trailing(text, trailing)])
    if not binds_os_before(ctx.module, anchor):
        text = "import os\n" + text
    order = (list(ctx.module.body).index(anchor), -1)
    return FixPlan(Fix("move the TF_USE_LEGACY_KERAS setting above the first import of TensorFlow",
                       replace=((removed, cst.RemoveFromParent()),),
                       ensure=(Ensure(anchor, text, ctx.module, order),)), None)


def _with_trailing(text: str, comment) -> str:
    """The line's trailing comment after the statement's first line (the guard's)."""
    if comment is None:
        return text
    first, sep, rest = text.partition("\n")
    return f"{first}  {comment.value}{sep}{rest}"


def _move_guarded(ctx: LintContext, switch: Switch, anchor, value: str) -> FixPlan:
    """The guarded setting moves whole, `if` and all."""
    guard = switch.guard
    if len(guard.body.body) != 1 or len(switch.line.body) != 1:
        return FixPlan(None, "the `if` guarding it does more than set it: move it by hand")
    text = switch_lines(value)
    comments = [line.comment.value for line in guard.leading_lines if line.comment]
    text = "\n".join([*comments, text])
    if not binds_os_before(ctx.module, anchor):
        text = "import os\n" + text
    order = (list(ctx.module.body).index(anchor), -1)
    return FixPlan(Fix("move the TF_USE_LEGACY_KERAS setting above the first import of TensorFlow",
                       replace=((guard, cst.RemoveFromParent()),),
                       ensure=(Ensure(anchor, text, ctx.module, order),)), None)


def _repair_in_place(switch: Switch, value: str) -> FixPlan:
    small = switch.small
    if switch.how == "putenv":
        func = small.value.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return FixPlan(None, "putenv is not spelled os.putenv: assign os.environ by hand")
        key, given = (small.value.args[0].value, small.value.args[1].value)
        literal = given if value == switch.value else cst.SimpleString(f'"{value}"')
        new = cst.parse_statement(f"{func.value.value}.environ[{_code(key)}] = {_code(literal)}").body[0]
        return FixPlan(Fix("set os.environ instead of os.putenv", replace=((small, new),)), None)
    literal = _value_literal(small)
    if literal is None:
        return FixPlan(None, "the value is not a plain string literal")
    quote = literal.prefix + literal.quote
    new = cst.SimpleString(f"{quote}{value}{literal.quote}")
    return FixPlan(Fix(f'set it to "{value}"', replace=((literal, new),)), None)


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


class PrivateKerasImport(Rule):
    code = "HDL503"
    name = "private-keras-import"
    reports_imports = True
    summary = ("Import of a private Keras module (keras.src, keras.engine, keras.layers.core, "
               "tf_keras.src, tensorflow.keras.<private>)")
    explanation = """\
Keras keeps its implementation in private packages: `keras.engine` and `keras.layers.core`
(Keras 2), moved to `keras.src.*` in TF 2.13, reorganised in Keras 3 (TF 2.16, where
`keras.engine` is gone) and `tf_keras.src.*` for tf-keras. Imports of them break between
releases. Reported: `keras.src.*`, `tf_keras.src.*`, and `keras.X` / `tensorflow.keras.X`
where X lies in a package that held Keras's implementation and was never public. The
message names the public name per release from the shipped data (the release range in which
this path was the home of that public name; for a name a `src` package only re-exports, as
`tf_keras.src.utils.to_categorical` does, that of the object its `__init__.py` imports, read
from the target's wheels: data/keras_reexports.json.gz) and spells it for the file:
`keras.X` for the keras package when Keras 3's own API has it (tf.keras's layout of Keras 3
has more, such as `preprocessing.image.ImageDataGenerator`), `tf_keras.X` for tf-keras, or
for any Keras name in a file that makes `hub.KerasLayer`s at TF 2.16+ (its model must be
tf-keras); `tensorflow.python.keras` is HDL101's. Also reported: imports from the generated API packages `tf.keras` resolves to
(read from the `__path__` TensorFlow sets up: `keras._tf_keras.keras`, Keras 3 in tf.keras's
layout; `keras.api._v2.keras`, Keras 2's; `tf_keras.api._v2.keras`, tf-keras's), with the
public name of the same Keras (`keras.X`, or `tf_keras.X`), without a fix. Keras's generated
API modules ("DO NOT EDIT" files) are not checked, nor are a package's imports of itself
(`tf_keras/src/...` importing `tf_keras.src`).

The fix rewrites `from <private module> import Name` to the public module when the private
path is, in the target release, the very object the public name exports; not across Keras 2
and Keras 3, and not for module imports."""
    fix_availability = "sometimes"
    fix_summary = 'rewrites the import to the public Keras name that exports the very same object'
    unsafe_when = "the public name is another Keras's object (keras.src.X -> tf_keras.X in a file making hub layers)"
    VALID = (
        "from keras import layers\nfrom keras.layers import Dense\n",
        "from tf_keras.layers import Dense\n",
        "from tensorflow.keras.layers import Dense\n",
        "try:\n    from keras.src.engine import base_layer\nexcept ImportError:\n    base_layer = None\n",
        "import keras\nfrom packaging import version\n"
        "if version.parse(keras.__version__) < version.parse('3'):\n"
        "    from keras.engine import base_layer\n",
    )
    INVALID = (
        Invalid("from keras.engine.training import Model\n"),
        Invalid("from keras.src.layers.core.dense import Dense\n",
                "from keras.layers import Dense\n"),
        Invalid("import tensorflow_hub as hub\n"
                "from tf_keras.src.engine.training import Model as KerasModel\n",
                "import tensorflow_hub as hub\nfrom tf_keras import Model as KerasModel\n"),
        Invalid("from tf_keras.src.utils import to_categorical\n",
                "from tf_keras.utils import to_categorical\n"),
    )


class _PrivateKerasGate:
    """Files with an import statement of a private Keras path (read from the import lines'
    text, judged with the data as the checker judges it): most files that import Keras import
    only public names and are never parsed for this."""

    _from = re.compile(r"^[ \t]*from[ \t]+((?:keras|tf_keras|tensorflow\.keras)(?:\.\w+)*)[ \t]+"
                       r"import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
    _import = re.compile(r"^[ \t]*import[ \t]+([^\n]*\b(?:keras|tf_keras)\b[^\n]*)", re.M)

    def search(self, text: str, package: Optional[str] = None) -> bool:
        """`package`: the file's own top-level package, whose imports are its own business."""
        if "keras" not in text:
            return False
        for match in line_matches(self._from, text, "keras"):
            module, names = match.group(1), re.sub(r"#[^\n]*", "", match.group(2)).strip("()")
            if module.split(".")[0] == package:
                continue
            if is_private_keras(module) or any(
                    is_private_keras(f"{module}.{name.split()[0]}") for name in names.split(",")
                    if name.split() and name.split()[0] != "*"):
                return True
        for match in line_matches(self._import, text, "keras"):
            for name in match.group(1).split(","):
                words = name.split()
                if words and words[0].split(".")[0] != package and is_private_keras(words[0]):
                    return True
        return False


_GENERATED = ('"""AUTOGENERATED. DO NOT EDIT."""', '"""DO NOT EDIT.\n\nThis file was autogenerated.')


class PrivateKerasImportChecker(Checker):
    rules = (PrivateKerasImport,)
    reads_imports = True
    gate = _PrivateKerasGate()

    def admits(self, text: str, path: str) -> bool:
        return self.gate.search(text, own_package(path))

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        target = ctx.target
        hub_layers = None
        if ctx.text.lstrip().startswith(_GENERATED):
            return  # Keras's generated API modules: the public names, made from private ones
        for imp in ctx.imports:
            if not is_private_keras(imp.path) or ctx.deliberate(imp, _fails(imp, target)):
                continue
            if imp.is_star:
                yield ctx.diagnostic(PrivateKerasImport, _star_message(imp.path, target),
                                     ctx.import_span(imp))
                continue
            if imp.path in keras_api_trees() or api_tree_public(imp.path):
                yield ctx.diagnostic(PrivateKerasImport, _api_tree_message(imp.path, target),
                                     ctx.import_span(imp), None,
                                     "an import from a generated API tree: import the public "
                                     "name it spells (check which Keras the file needs)")
                continue
            if hub_layers is None:
                hub_layers = uses_hub_layer(ctx)
            source = _defining_path(imp, target)
            public, spelled = _keras_public_name(source, target, hub_layers)
            message = f"private Keras import {imp.path}"
            if source != imp.path:
                message += f", a re-export of {source}"
            message += _keras_history(source, public)
            if spelled:
                message += f"; use {spelled}"
            elif (public and public.startswith("tf.keras.") and source.startswith("keras.")
                  and keras3_at(target) and not keras3_has("keras" + public[len("tf.keras"):], target)):
                message += (f"; the public name is {public}: Keras 3's own API has no "
                            f"keras{public[len('tf.keras'):]} in TF {target}")
            elif apimap.is_home_package(_as_keras(imp.path) or imp.path):
                message += "; a private module: import the public names of its members"
            else:
                message += f"; the shipped data knows no public name for it in TF {target}"
            failure = import_failures.check_imported(
                imp.path, imp.is_plain_import, target)
            if failure is not None:
                message += f"; {import_failures.failure_text(failure, target)}"
            fix, reason = None, None
            if ctx.want_fixes:
                fix, reason = _private_keras_fix(ctx, imp, source, public, spelled, target)
            yield ctx.diagnostic(PrivateKerasImport, message, ctx.import_span(imp), fix, reason)


def _defining_path(imp, target: str) -> str:
    """The path whose public names HDL503 looks up: `imp.path` when the data records any for
    it, else the path a private package name re-exports in `target` (the same object, bound
    by an import in the package's `__init__.py`): tf_keras.src.utils.to_categorical ->
    tf_keras.src.utils.np_utils.to_categorical."""
    if imp.is_plain_import or apimap.public_names(imp.path):
        return imp.path
    source = reexported_from(imp.path, target)
    # only a name the data records for the defining path: no guess from the package above it
    if source and any(target in releases for public, releases in apimap.public_names(source).items()
                      if public.startswith("tf.keras.")):
        return source
    return imp.path


def _fails(imp, target: str) -> bool:
    """The import fails on `target` (by the wheels' layout)."""
    if imp.is_star or imp.is_plain_import:
        return import_failures.fails(imp.path, None, target)
    module, _, name = imp.path.rpartition(".")
    return import_failures.fails(module, name, target)


def _api_tree_message(path: str, target: str) -> str:
    """HDL503's message for a path in one of the packages tf.keras resolves to."""
    found = api_tree_public(path)
    tree = path if found is None else path[:len(path) - len(found[0]) + len("tf.keras")]
    public, package = found or ("tf.keras", path.split(".")[0])
    rest = public[len("tf.keras"):]
    spelled = None
    if package == TF_KERAS:
        kind = "tf-keras, what tf.keras is with TF_USE_LEGACY_KERAS=1"
        if not rest or apimap.tf_keras_exports(public, target):
            spelled = TF_KERAS + rest
    elif tree.startswith("keras._"):
        kind = "Keras 3 in tf.keras's layout, what tf.keras is from TF 2.16 without the switch"
        if keras3_at(target) and (not rest or keras3_has("keras" + rest, target)):
            spelled = "keras" + rest
    else:
        kind = "Keras 2's tf.keras, before TF 2.16"
        if not keras3_at(target) and (not rest or apimap.keras3_exports(public, target)):
            spelled = "keras" + rest
        elif keras3_at(target) and (not rest or apimap.tf_keras_exports(public, target)):
            spelled = TF_KERAS + rest + " (tf-keras carries Keras 2 on)"
    text = f"private Keras import {path}: {tree} is a generated API package ({kind})"
    return text + (f"; use {spelled}" if spelled else
                   f"; the shipped data knows no public name for it in TF {target}")


def _star_message(module: str, target: str) -> str:
    text = f"star import from private Keras module {module}; import the public names you use"
    public = module.replace(".src.", ".", 1)
    if public != module and apimap.public_exists("tf." + (_as_keras(public) or public), target):
        text += f" from {public}"
    return text


def _as_keras(path: str) -> Optional[str]:
    """`keras.X` for `keras.X` and `tensorflow.keras.X`; None for other paths."""
    if path.startswith("tensorflow.keras."):
        return path[len("tensorflow."):]
    return path if path.startswith("keras.") else None


def is_private_keras(path: str) -> bool:
    parts = path.split(".")
    if parts[0] in ("keras", "tf_keras") and len(parts) > 1 and parts[1] == "src":
        return True
    if path in keras_api_trees() or api_tree_public(path):
        return True  # keras._tf_keras.keras, keras.api._v2.keras, tf_keras.api._v2.keras
    keras = _as_keras(path)
    if keras is None:
        return False
    kparts = keras.split(".")
    for cut in range(2, len(kparts) + 1):
        package = ".".join(kparts[:cut])
        if not apimap.public_releases("tf." + package):
            # never public: private if Keras's implementation lived there
            return apimap.is_home_package(package)
    return False


def _keras_public_name(path: str, target: str, hub_layers: bool) -> Tuple[Optional[str], Optional[str]]:
    """(the tf.keras public name, how this file should spell it), either None."""
    public = _tf_keras_public(path, target)
    if public is None or not public.startswith("tf.keras."):
        return public, public
    rest = public[len("tf.keras"):]
    if hub_layers and keras3_at(target) or path.startswith("tf_keras."):
        return public, (TF_KERAS + rest) if apimap.tf_keras_exports(public, target) else None
    if path.startswith("keras.") and (apimap.keras3_exports(public, target) and keras3_has("keras" + rest, target)
                                      if keras3_at(target) else True):
        return public, "keras" + rest
    return public, public if not path.startswith("keras.") else None


def _tf_keras_public(path: str, target: str) -> Optional[str]:
    """The public name of a private Keras path in `target`: one the data records for it (the
    same name first: MaxPooling2D, not MaxPool2D), else its name in the public package
    above it (keras.layers.convolutional.Convolution2D -> tf.keras.layers.Convolution2D)."""
    keras = _as_keras(path) or path
    candidates = [path]
    if path.startswith("tensorflow.keras."):
        candidates += [keras, "keras.src." + keras[len("keras."):], "tensorflow.python." + keras]
    name = path.rpartition(".")[2]
    for candidate in candidates:
        known = [p for p in apimap.public_names(candidate) if p.startswith("tf.keras.")
                 and apimap.public_exists(p, target)]
        same = sorted((p for p in known if p.endswith("." + name)), key=len)
        public = same[0] if same else apimap.public_name_for(candidate, target)
        if public:
            return public
    if keras.split(".")[1:2] == ["src"]:
        return None  # nothing above a `src` module is its public package (keras.src.backend.jax)
    parts = ("tf.keras." + keras.split(".", 1)[1]).split(".") if "." in keras else []
    for cut in range(len(parts) - 1, 1, -1):
        package = ".".join(parts[:cut])
        if apimap.public_releases(package):
            guess = f"{package}.{name}"
            return guess if apimap.public_exists(guess, target) else None
    return None


def _keras_history(path: str, public: Optional[str]) -> str:
    """" (where tf.keras.Model was defined in TF 2.6–2.12)", from the shipped data."""
    releases = apimap.public_names(path).get(public) if public else None
    return f" (where {public} was defined in TF {release_ranges(releases)})" if releases else ""


def _private_keras_fix(ctx: LintContext, imp, source, public, spelled, target) -> FixPlan:
    """`source`: the path that defines what `imp` imports (imp.path, or what it re-exports)."""
    if spelled is None or public is None:
        return FixPlan(None, "no public name to rewrite to")
    if imp.site.in_try:
        return FixPlan(None, "inside a try: block (a fallback import); rewrite it by hand")
    if not isinstance(imp.statement, cst.ImportFrom):
        return FixPlan(None, "a module import: use the public names of its members")
    if target not in apimap.public_names(source).get(public, ()):
        return FixPlan(None, (f"{imp.path} is not what {public} exports in TF {target} (it moved, or "
                              "Keras 2 became Keras 3): check the uses, then import the public name"))
    module, _, name = spelled.rpartition(".")
    text = f"from {module} import {name}" + (f" as {imp.bound}" if imp.bound != name else "")
    ensure = (Ensure(imp.site.line, text, imp.site.scope, (imp.site.top_index, imp.ordinal)),)
    fix = Fix(f"import {spelled}", remove=(imp.alias,), ensure=ensure,
              **ctx.fix_extent(imp, (), ensure))
    if spelled.split(".")[0] != imp.path.split(".")[0]:  # keras.src.X -> tf_keras.X: another Keras
        fix = fix.unsafe(f"{spelled} is another Keras's object than {imp.path}")
    return FixPlan(fix, None)
