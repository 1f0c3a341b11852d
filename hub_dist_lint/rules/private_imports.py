"""HDL1xx: imports of TensorFlow's private modules (`tensorflow.python.*` and kin).

Private modules are not API: they move or vanish between releases and the
code breaks with an ImportError nobody can explain. Every private import is
reported; the fix rewrites it to the public `tf.*` name that TensorFlow's own
generated API files export for the same object (see data/generate_api_map.py).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import libcst as cst

from ..checking import FixPlan, LintContext
from .. import apimap, history
from ..diagnostics import Diagnostic, Fix
from ..analysis.signatures import call_fits
from ..import_scan import ScannedImport
from ..imports import ImportedName, dotted_name
from ..tf_alias import bind_statement
from ..fixes.tf_keras_rewrite import tf_keras_ensure, uses_hub_layer
from ..keras_facts import TF_KERAS, public_home
from .base import Checker, Invalid, Rule

PRIVATE_ROOTS = apimap.PRIVATE_ROOTS  # one home: the facts layer
is_private = apimap.is_private


class PrivateImport(Rule):
    code = "HDL101"
    name = "private-import"
    reports_imports = True
    summary = "Import of a private TensorFlow symbol that has a public name"
    explanation = """\
Modules under `tensorflow.python` (and `tensorflow.core`, `tensorflow.lite.python`, ...)
are TensorFlow's implementation, not its API. They are moved, renamed and deleted
between releases without notice, so code that imports them breaks with an
`ImportError` on upgrade. The object is exported under a public `tf.*` name, which
is stable. The public name comes from TensorFlow's own generated API files; a name a
fix writes exists at the target release for the Keras `tf.keras` is there (from 2.16
that is Keras 3: a name only tf-keras has is not written).

The fix removes the private import, adds (or reuses) `import tensorflow as tf` and
rewrites every use. It is not applied when a use cannot be rewritten safely: the
name is rebound, used only in a string annotation, never used in the file (it may
be re-exported), or the public counterpart takes different arguments than a call
passes.

One exception to "the same object": `tensorflow.python.keras` was `tf.keras` up to
TF 2.5; since 2.6 it is a frozen copy of old Keras that TensorFlow still ships, and
the message says that the public name is another object there. On TF 2.21 that copy
is broken for what it is used for: its layers cannot be added to a `tf.keras` model
(`ValueError: Only instances of keras.Layer can be added`, run by
tests/test_tf_e2e.py) and its models' `fit`/`predict` fail with an `AttributeError`
in its input pipeline. Rewriting to `tf.keras` is the repair; it is applied to all of
a file's `tensorflow.python.keras` imports together or to none (two Keras copies in
one file do not go together)."""
    fix_availability = "sometimes"
    fix_summary = 'replaces the private import with `import tensorflow as tf` and rewrites every use to the public tf.* name'
    unsafe_when = ("the public name is another object on the target (TensorFlow's legacy Keras copy "
                   "`tensorflow.python.keras`, or a tf_keras name in a file making hub layers)")
    VALID = (
        "import tensorflow as tf\nstrategy = tf.distribute.MirroredStrategy()\n",
        "from tensorflow.keras.layers import Dense\nlayer = Dense(3)\n",
        "from .python.framework import ops  # relative: not TensorFlow's\nops.x\n",
        "try:  # handled: a deliberate import\n    from tensorflow.python.keras.layers import Dense\n"
        "except ImportError:\n    from tf_keras.layers import Dense\n",
    )
    INVALID = (
        Invalid(
            "from tensorflow.python.distribute.mirrored_strategy import MirroredStrategy\n"
            "strategy = MirroredStrategy()\n",
            "import tensorflow as tf\nstrategy = tf.distribute.MirroredStrategy()\n",
        ),
        Invalid(
            "import tensorflow as tf\n"
            "from tensorflow.python.keras.layers import Dense  # old home\n"
            "layer = Dense(3)\n",
            "import tensorflow as tf\n"
            "# old home\n"
            "layer = tf.keras.layers.Dense(3)\n",
            unsafe=True,
        ),
    )


class PrivateImportWithoutPublicName(Rule):
    code = "HDL102"
    name = "private-import-no-public-name"
    reports_imports = True
    summary = "Import of a private TensorFlow symbol that has no public name"
    explanation = """\
The imported name is TensorFlow-internal and no public `tf.*` name exports it in the
target release: it may have been removed altogether (`AutoPolicy` existed in 2.3-2.4
only) or never been API. The message says which releases had it. There is nothing
to rewrite it to, so there is no fix; the code has to stop depending on it."""
    VALID = (
        "import tensorflow as tf\ntf.distribute.get_strategy()\n",
        "try:\n    from tensorflow.python.distribute.values import AutoPolicy\nexcept ImportError:\n"
        "    AutoPolicy = None\n",
    )
    INVALID = (
        Invalid("from tensorflow.python.distribute.values import AutoPolicy\n"),
    )


class PrivateModuleImport(Rule):
    code = "HDL103"
    name = "private-module-import"
    reports_imports = True
    summary = "Import of a private TensorFlow module"
    explanation = """\
A private module (`from tensorflow.python.framework import ops`) is imported and its
members are used through it. The module is not API; its members that are API have
public `tf.*` names. The fix rewrites each use (`ops.convert_to_tensor` becomes
`tf.convert_to_tensor`) and removes the import, when every use has a public name."""
    fix_availability = "sometimes"
    fix_summary = "rewrites each use of the module's members to its public tf.* name and removes the import"
    unsafe_when = "the module is in TensorFlow's legacy Keras copy (`tensorflow.python.keras`): its members' public names are another Keras"
    VALID = (
        "import tensorflow as tf\nx = tf.convert_to_tensor([1.0])\n",
        "import tensorflow as tf\nif tf.__version__ < '2.14':  # gated: gone on the target\n"
        "    from tensorflow.python.training.tracking import base\n",
    )
    INVALID = (
        Invalid(
            "from tensorflow.python.framework import ops as tf_ops\n"
            "x = tf_ops.convert_to_tensor([1.0])\n",
            "import tensorflow as tf\nx = tf.convert_to_tensor([1.0])\n",
        ),
        Invalid(
            "import tensorflow.python.framework.ops\n"
            "x = tensorflow.python.framework.ops.convert_to_tensor([1.0])\n",
            "import tensorflow\n"
            "x = tensorflow.convert_to_tensor([1.0])\n",
        ),
    )


class PrivateStarImport(Rule):
    code = "HDL104"
    name = "private-star-import"
    reports_imports = True
    summary = "Star import from a private TensorFlow module"
    explanation = """\
`from tensorflow.python.x import *` pulls an unknown, release-dependent set of
private names into the module. There is no automatic fix: import the public names
you use from `tensorflow` instead."""
    VALID = ("from tensorflow import *  # public, if unwise\n",)
    INVALID = (Invalid("from tensorflow.python.ops.array_ops import *\n"),)


class ProtobufImport(Rule):
    code = "HDL105"
    name = "protobuf-module-import"
    reports_imports = True
    summary = "Import from a TensorFlow protobuf module (`*_pb2`), opt-in"
    opt_in = True
    explanation = """\
`tensorflow.core.framework.tensor_pb2` and the other generated `*_pb2` modules hold the
wire format of TensorFlow's messages (`TensorProto`, `GraphDef`, `SaverDef`). Unlike the
rest of `tensorflow.core` they stay put across releases and are often the only way to
build or read such messages (tf2onnx, TensorFlow Serving clients); most of their
messages have no public `tf.*` name. So HDL101-HDL103 do not report imports from them;
this code does, when selected by name (`extend-select = ["HDL105"]`; `HDL` or `HDL1`
do not select it). The message names the public `tf.*` name that exports the same
message where there is one (`saver_pb2.SaverDef` is `tf.compat.v1.train.SaverDef`),
read from the serialized descriptors in the wheels (newer protoc output binds the
messages at run time). A protobuf module or message missing from the target release
is still reported by HDL102/HDL103, by default.

Selected, the fix rewrites uses to their public names as HDL101/HDL103 do, where every
use has one."""
    fix_availability = "sometimes"
    fix_summary = "rewrites uses to the public tf.* name of the same message, as HDL101 does (when selected)"
    VALID = ("import tensorflow as tf\nsaver_def = tf.compat.v1.train.SaverDef()\n",)
    INVALID = (
        Invalid("from tensorflow.core.framework import tensor_pb2\nproto = tensor_pb2.TensorProto()\n"),
        Invalid("from tensorflow.core.protobuf.saver_pb2 import SaverDef\nsaver_def = SaverDef()\n",
                "import tensorflow as tf\nsaver_def = tf.compat.v1.train.SaverDef()\n"),
    )


def protobuf_module(path: str) -> Optional[str]:
    """The `*_pb2` module an import of `path` reads from, if any."""
    for candidate in (path, path.rpartition(".")[0]):
        if candidate.endswith("_pb2"):
            return candidate
    return None


class PrivateImportChecker(Checker):
    rules = (PrivateImport, PrivateImportWithoutPublicName, PrivateModuleImport, PrivateStarImport,
             ProtobufImport)
    reads_imports = True
    gate = re.compile(
        r"tensorflow(?:\.|\s+import\s+)(?:python|core|lite|compiler|dtensor|tsl)\b"
    )

    def plans_fixes_on_skeleton(self, text: str) -> bool:
        # a file making hub layers rewrites to tf_keras, which looks at every Keras use
        return "KerasLayer" not in text

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        privates = [imp for imp in ctx.imports if is_private(imp.path)]
        if not privates:
            return
        # handled, gated to other releases, or the file's own package: not reported
        deliberate, reported = [], []
        for imp in privates:
            broken = ctx.target not in history.exists_in(imp.path)
            (deliberate if ctx.deliberate(imp, broken) else reported).append(imp)
        privates = reported
        if not privates:
            return
        hub_layers = uses_hub_layer(ctx)
        planner = _FixPlanner(ctx, ctx.target, hub_layers) if ctx.want_fixes else None
        found = []
        for imp in privates:
            if protobuf_module(imp.path) and ctx.target in history.exists_in(imp.path):
                yield self._protobuf(ctx, imp, planner, ctx.target, ctx.import_span(imp))
                continue
            found.append((imp, *self._finding(imp, ctx.target, planner, hub_layers)))
        kept = any(imp.path.startswith(_OLD_KERAS + ".") for imp in deliberate)
        for imp, rule, message, fix, reason in _one_keras_copy(found, kept):
            diagnostic = ctx.diagnostic(rule, message, ctx.import_span(imp), fix, reason)
            if ctx.settles_fixes and rule is PrivateModuleImport and \
                    _surely_without_fix(ctx, imp, hub_layers):
                diagnostic = dataclasses.replace(diagnostic, fix_settled=True, no_fix_reason=None)
            yield diagnostic

    @staticmethod
    def _finding(imp: ImportedName, target: str, planner, hub_layers: bool):
        """(rule, message, fix, reason) for one private import."""
        if imp.is_star:
            return (PrivateStarImport, f"star import from private module {imp.path}; "
                    "import the public names you use from tensorflow instead", None, None)
        if _is_module_import(imp):
            fix, reason = planner.plan(imp) if planner else (None, None)
            if imp.path.startswith(LEGACY_KERAS):  # its members' public names are another Keras
                fix = _another_object(fix, "tf.keras", imp.path)
            return PrivateModuleImport, _module_message(imp.path, target), fix, reason
        public = public_home(apimap.public_name_for(imp.path, target), target, hub_layers)
        counterpart = None if public else apimap.counterpart(imp.path)
        if not (public or counterpart):
            return (PrivateImportWithoutPublicName,
                    f"private import {imp.path}: {history.no_public_name(imp.path, target)}",
                    None, None)
        fix, reason = planner.plan(imp) if planner else (None, None)
        if not public:
            return (PrivateImport, f"private import {imp.path}; its public counterpart is "
                    f"{counterpart['public']} (fixed where a call fits both signatures)", fix, reason)
        message = f"private import {imp.path}; use {public}{_since(public)}"
        if public.startswith(TF_KERAS + "."):  # the file makes tf-keras hub layers
            return PrivateImport, message, _another_object(fix, public, imp.path), reason
        if apimap.keras_name_missing(public, target):
            message += "; with tf-keras only: Keras 3, the default tf.keras, lacks it"
        other = apimap.home_at(public, target)
        if other and other != apimap.canonical(imp.path):
            message += f" (on TF {target} that is another object, {other})"
            fix = _another_object(fix, public, imp.path)
        return PrivateImport, message, fix, reason


    @staticmethod
    def _protobuf(ctx: LintContext, imp: ImportedName, planner, target: str, span) -> Diagnostic:
        """HDL105 for an import from a `*_pb2` module present in the target."""
        if imp.is_star:
            return ctx.diagnostic(ProtobufImport, f"star import from protobuf module {imp.path}",
                                  span)
        fix, reason = None, None
        want_fix = planner is not None and ctx.config.is_selected(ProtobufImport.code)
        if _is_module_import(imp):
            message = f"protobuf module import {imp.path}"
            publics = _public_members(imp.path, target)
            if publics:
                message += "; public names of its messages: " + ", ".join(publics)
            else:
                message += f"; none of its messages has a public name in TF {target}"
        else:
            public = apimap.public_name_for(imp.path, target)
            message = f"protobuf message {imp.path}" + (
                f"; the same message is {public}" if public else
                f": no public name in TF {target}")
            if not public and want_fix:
                want_fix, reason = False, f"{imp.path} has no public name in TF {target}"
        if want_fix:
            fix, reason = planner.plan(imp)
        return ctx.diagnostic(ProtobufImport, message, span, fix, reason)


_OLD_KERAS = "tensorflow.python.keras"


def _one_keras_copy(found, kept: bool = False):
    """`tensorflow.python.keras` is a frozen copy of old Keras, not tf.keras: rewriting
    some of a file's imports of it and not others would mix two Keras copies, whose
    layers and models do not go together. All of them, or none (`kept`: the file has one
    that is not reported, a deliberate import, and so stays)."""
    keras = [row for row in found if row[0].path.startswith(_OLD_KERAS + ".")]
    if not keras or not kept and all(row[3] is not None for row in keras):
        return found
    why = ("other tensorflow.python.keras imports of this file cannot be rewritten: switching "
           "only some would mix two Keras copies")
    return [(imp, rule, message, None, reason or why) if imp.path.startswith(_OLD_KERAS + ".")
            else (imp, rule, message, fix, reason)
            for imp, rule, message, fix, reason in found]


def _public_members(module: str, target: str, limit: int = 3) -> List[str]:
    """"SaverDef: tf.compat.v1.train.SaverDef" for the module's members with public names."""
    found = []
    for name in apimap.module_members(module):
        public = apimap.public_name_for(f"{module}.{name}", target)
        if public:
            found.append(f"{name}: {public}")
    if len(found) > limit:
        found = found[:limit] + [f"{len(found) - limit} more"]
    return found


def _since(public: str) -> str:
    """" (public since TF 2.4)" for names younger than the oldest release in the map."""
    first = history.public_since(public)
    return f" (public since TF {first})" if first and first != apimap.releases()[0] else ""


def _module_message(path: str, target: str) -> str:
    message = f"private module import {path}; use the public tf.* names of its members"
    existed = history.exists_in(path)
    if existed and target not in existed and apimap.releases().index(existed[-1]) < \
            apimap.releases().index(target):
        advice = history.private_advice(path, target)
        message += f"; it {history.private_fate(path, target)}" + (f"; {advice}" if advice else "")
    return message


# TensorFlow's own copy of Keras 2, whose classes the public tf.keras names never were after 2.5
LEGACY_KERAS = "tensorflow.python.keras"


def _another_object(fix: Optional[Fix], public: str, path: str) -> Optional[Fix]:
    """A rewrite to a public name that is another object than the private one: it repairs
    what the private copy breaks, but changes behaviour, so it is applied on request."""
    return fix.unsafe(f"{public} is another object than {path}") if fix is not None else None


def _is_module_import(imp: ImportedName) -> bool:
    return imp.is_plain_import or apimap.is_module(imp.path)


# What a use of an imported name becomes (`_use_outcome`): its public name; or none, as a
# call does not fit the counterpart, Keras 3 lacks the name, a member has no public name,
# or the module object itself is used; or unknown (whether a call fits was not asked).
_PUBLIC, _MISFIT, _MISSING, _NO_PUBLIC_NAME, _MODULE_OBJECT, _UNKNOWN = \
    "public", "misfit", "missing", "no public name", "module object", "unknown"


def _use_outcome(path: str, attrs: List[str], module_like: bool, target: str, hub_layers: bool,
                 fits: Callable[[int, dict], Optional[bool]]) -> Tuple[str, Optional[int], object]:
    """(outcome, how many of `attrs` the rewritten part spans, the public name / the
    counterpart / the reason) for a use reading `attrs` off the name an import of `path`
    binds. `fits(consumed, counterpart)`: does the use's call fit the counterpart (None:
    cannot tell). The fix planner and the `ast` proof that a plan fails both ask this."""
    for consumed in (range(1, len(attrs) + 1) if module_like else (0,)):
        used = ".".join([path] + attrs[:consumed])
        public = public_home(apimap.public_name_for(used, target), target, hub_layers)
        if public is None:
            counterpart = apimap.counterpart(used)
            if counterpart:
                fit = fits(consumed, counterpart)
                if fit is None:
                    return _UNKNOWN, consumed, None
                if not fit:
                    return _MISFIT, consumed, counterpart
                public = counterpart["public"]
        missing = (apimap.keras_name_missing(public, target)
                   if public and not public.startswith(TF_KERAS + ".") else None)
        if missing:
            return _MISSING, consumed, missing
        if public is not None:
            return _PUBLIC, consumed, public
        if not apimap.is_module(used):
            return _NO_PUBLIC_NAME, consumed, None
    return _MODULE_OBJECT, None, None


def _bindable_as(path: str, target: str) -> Optional[str]:
    """The public name an imported name may be bound to where it was imported (the same
    object in the target), or None."""
    public = apimap.public_name_at(path, target)
    if public is None or target not in history.exists_in(path):
        return None
    return None if apimap.keras_name_missing(public, target) else public


def _surely_without_fix(ctx: LintContext, imp: ScannedImport, hub_layers: bool) -> bool:
    """From `ast` (an `ImportScan`'s import): planning a fix for this private module import
    on a libcst tree gives none. Both of `_FixPlanner.plan`'s ways fail:
    - binding its names where it stood: a plain import has none, and an import of a name
      with no public object to bind is refused whole;
    - rewriting its uses: some read of the name it binds (Python's scoping: the reads the
      planner pairs with libcst names, or it fails) has no public name and no counterpart
      on the way to a module object, or is the module object itself, or Keras 3 lacks it.
    False where unsure: a call fitting a counterpart is the libcst tree's to tell."""
    statement, target = imp.statement, ctx.target
    if imp.is_star or (isinstance(statement, ast.Import) and imp.alias.asname is None):
        return False  # star; `import a.b.c` rewrites its dotted uses (planned on the tree)
    if isinstance(statement, ast.ImportFrom):
        module = imp.path.rpartition(".")[0]
        if all(_bindable_as(f"{module}.{alias.name}", target) for alias in statement.names):
            return False
    bindings = ctx.bindings()
    scope = bindings.scope_of_import.get(statement) if bindings is not None else None
    if scope is None:
        return False
    reads, _ = bindings.reads(imp.bound, scope)
    for read in reads:
        outcome, _, _ = _use_outcome(imp.path, bindings.attributes_read_off(read), True, target,
                                     hub_layers, lambda *_: None)
        if outcome in (_MISSING, _NO_PUBLIC_NAME, _MODULE_OBJECT):
            return True
    return False


def _exported_names(module: cst.Module) -> Optional[set]:
    """Names a literal module-level `__all__` lists; None if `__all__` is computed."""
    names: set = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            targets = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                targets = [small.target]
            if not any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
                continue
            value = small.value
            if not isinstance(value, (cst.List, cst.Tuple)):
                return None
            for element in value.elements:
                if not isinstance(element.value, cst.SimpleString):
                    return None
                names.add(element.value.evaluated_value)
    return names


class _FixPlanner:
    """Works out, per private import, whether every use can be rewritten."""

    def __init__(self, ctx: LintContext, target: str, hub_layers: bool = False):
        self.ctx = ctx
        self.target = target
        self.hub_layers = hub_layers  # tf.keras names go to tf_keras (Keras 3 targets)
        self.names = ctx.import_uses()  # where imported names are read
        self.tf = ctx.tensorflow_alias
        self.alias = self.tf.name
        self.exports = _exported_names(ctx.module) if "__all__" in ctx.text else set()
        # what `import tensorflow.x.y` statements (no `as`) bind: uses through them stay
        self.dotted_paths = [imp.path for imp in ctx.imports if isinstance(imp.statement, cst.Import)
                             and imp.alias.asname is None and "." in imp.path]

    def plan(self, imp: ImportedName) -> FixPlan:
        """Rewrite the uses to public names; failing that, bind the imported names to
        their public objects where the import stood (the same objects in the target)."""
        fix, reason = self._plan_uses(imp)
        if fix is None:
            bound, why = self._plan_binding(imp)
            if bound is not None:
                return FixPlan(bound, None)
            if why:
                reason = f"{reason}; {why}"
        return FixPlan(fix, reason)

    def _plan_binding(self, imp: ImportedName) -> FixPlan:
        """`from tensorflow.python.x import A as B` -> `B = tf.a.A`, all names of the
        statement, each bound to the object the private path binds in the target.

        The same program: the names stay bound, at the same point, to the same objects
        (the public name exports that very object in the target, where the private path
        exists). Inside `try:` only when an unguarded `import tensorflow` precedes it, so
        that nothing new can fail there."""
        statement = imp.statement
        if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
            return FixPlan(None, None)
        if self.alias is None or self.tf.shadowed_at(imp):
            return FixPlan(None, None)
        if imp.site.in_try and not self.tf.bound_before(imp):
            return FixPlan(None, "no unguarded `import tensorflow` precedes the try: block")
        module = imp.path.rpartition(".")[0]
        assigns, public_of = [], {}
        for alias in statement.names:
            name = dotted_name(alias.name)
            public = _bindable_as(f"{module}.{name}", self.target)
            if public is None:
                return FixPlan(None, None)
            bound = alias.asname.name.value if alias.asname else name
            last = alias is statement.names[-1]
            assigns.append(bind_statement(bound, self.alias + public[len("tf"):],
                                          statement if last else None))
            public_of[bound] = public
        ensure = () if imp.site.in_try else self.tf.ensure(imp)
        new = assigns[0] if len(assigns) == 1 else cst.FlattenSentinel(assigns)
        return FixPlan(Fix(f"bind {imp.bound} to {public_of[imp.bound]} where it was imported",
                           replace=((statement, new),), ensure=ensure,
                           **self.ctx.fix_extent(imp, (), ensure)), None)

    def _plan_uses(self, imp: ImportedName) -> FixPlan:
        if imp.site.in_try:
            return FixPlan(None, "inside a try: block (a fallback import)")
        dotted_plain = isinstance(imp.statement, cst.Import) and imp.alias.asname is None
        if self.names is None:
            return FixPlan(None, "could not resolve the import's binding")
        if dotted_plain:
            prefix = "tensorflow"
            # `import tensorflow.python.x` also binds `tensorflow.python`, `tensorflow`:
            # other private paths reached through it would break.
            others = [path for path in self.dotted_paths if path != imp.path]
            refs, why = self.names.dotted_reads(imp, others)
        else:
            if self.alias is None:
                return FixPlan(None, "no free name for `import tensorflow` (tf, tensorflow and tf_ are taken)")
            prefix = self.alias
            if self.exports is None and isinstance(imp.site.scope, cst.Module):
                return FixPlan(None, "__all__ is computed: the name may be re-exported")
            if self.exports and imp.bound in self.exports:
                return FixPlan(None, f"{imp.bound} is listed in __all__ (re-exported)")
            refs, why = self.names.reads(imp)
        if refs is None:
            return FixPlan(None, why)
        if self.names.bindings.in_string_annotation(imp.bound.split(".")[0]):
            return FixPlan(None, f"{imp.bound} is used inside a string annotation")
        if not refs:  # nothing here reads it: removing it is right unless another module does
            return FixPlan(Fix(f"remove the unused import of {imp.path}", remove=(imp.alias,),
                               **self.ctx.fix_extent(imp)).unsafe(
                f"{imp.bound} is not used in this file, but another module may import it from "
                "here, or rely on what importing it does"), None)
        replace: List[Tuple[cst.CSTNode, cst.CSTNode]] = []
        renamed = set()
        for node in refs:
            done, why = self._rewrite_use(imp, node, prefix)
            if done is None:
                return FixPlan(None, why)
            replace.append(done[0])
            renamed.add(done[1])
        description = f"rewrite {imp.bound} to " + ", ".join(sorted(renamed))
        on_tf_keras = any(name.startswith(TF_KERAS + ".") for name in renamed)
        if dotted_plain:
            if on_tf_keras:
                return FixPlan(None, f"{imp.path} is imported without `as`: rewrite it by hand")
            new_alias = imp.alias.with_changes(name=cst.Name("tensorflow"))
            return FixPlan(Fix(description, replace=tuple(replace) + ((imp.alias, new_alias),),
                               **self.ctx.fix_extent(imp, refs)), None)
        ensure = self.tf.ensure(imp) if any(name.startswith("tf.") for name in renamed) else ()
        if on_tf_keras:
            tf_keras, why = tf_keras_ensure(self.ctx, imp)
            if why:
                return FixPlan(None, why)
            ensure += (tf_keras,) if tf_keras else ()
        return FixPlan(Fix(description, remove=(imp.alias,), replace=tuple(replace), ensure=ensure,
                           **self.ctx.fix_extent(imp, refs, ensure)), None)

    def _rewrite_use(self, imp: ImportedName, node: cst.CSTNode, prefix: str):
        """((original node, replacement), public name) for one use, or (None, why not)."""
        chain = [node]
        uses = self.names.uses
        while chain[-1] in uses.attribute_of:
            chain.append(uses.attribute_of[chain[-1]])
        if any(n in uses.stored for n in chain):
            return None, f"{dotted_name(chain[-1])} is assigned to (not the same on tf)"
        attrs = [n.attr.value for n in chain[1:]]
        outcome, consumed, detail = _use_outcome(
            imp.path, attrs, _is_module_import(imp), self.target, self.hub_layers,
            lambda consumed, counterpart: call_fits(uses.call_of.get(chain[consumed]), counterpart))
        spelled_here = (dotted_name(chain[consumed]) or imp.bound) if consumed is not None else None
        if outcome == _PUBLIC:
            target = chain[consumed]
            spelled = detail if detail.startswith(TF_KERAS + ".") else prefix + detail[len("tf"):]
            new = cst.parse_expression(spelled)
            new = new.with_changes(lpar=target.lpar, rpar=target.rpar)
            return ((target, new), detail), None
        if outcome == _MISFIT:
            return None, (f"{spelled_here} is not {detail['public']}: a use passes "
                          "arguments that mean something else there")
        if outcome == _MISSING:
            return None, detail
        if outcome == _NO_PUBLIC_NAME:
            return None, f"{spelled_here} has no public name"
        return None, f"{imp.bound} is used as a module object"
