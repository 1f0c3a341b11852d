"""HDL1xx: imports of TensorFlow's private modules (`tensorflow.python.*` and kin).

Private modules are not API: they move or vanish between releases and the
code breaks with an ImportError nobody can explain. Every private import is
reported; the fix rewrites it to the public `tf.*` name that TensorFlow's own
generated API files export for the same object (see data/generate_api_map.py).
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Tuple

import libcst as cst

from .. import apimap, history
from ..diagnostics import Diagnostic, Fix
from ..imports import ImportedName, dotted_name
from ..tf_alias import TensorflowAlias, bind_statement
from .base import Checker, Invalid, Rule

PRIVATE_ROOTS = (
    "tensorflow.python",
    "tensorflow.core",
    "tensorflow.lite.python",
    "tensorflow.compiler",
    "tensorflow.dtensor.python",
    "tensorflow.tsl",
)


def is_private(path: str) -> bool:
    return any(path == root or path.startswith(root + ".") for root in PRIVATE_ROOTS)


class PrivateImport(Rule):
    code = "HDL101"
    name = "private-import"
    summary = "Import of a private TensorFlow symbol that has a public name"
    explanation = """\
Modules under `tensorflow.python` (and `tensorflow.core`, `tensorflow.lite.python`, ...)
are TensorFlow's implementation, not its API. They are moved, renamed and deleted
between releases without notice, so code that imports them breaks with an
`ImportError` on upgrade. The same object is exported under a public `tf.*` name,
which is stable. The public name comes from TensorFlow's own generated API files.

The fix removes the private import, adds (or reuses) `import tensorflow as tf` and
rewrites every use. It is not applied when a use cannot be rewritten safely: the
name is rebound, used only in a string annotation, never used in the file (it may
be re-exported), or the public counterpart takes different arguments than a call
passes."""
    fix_availability = "sometimes"
    VALID = (
        "import tensorflow as tf\nstrategy = tf.distribute.MirroredStrategy()\n",
        "from tensorflow.keras.layers import Dense\nlayer = Dense(3)\n",
        "from .python.framework import ops  # relative: not TensorFlow's\nops.x\n",
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
        ),
    )


class PrivateImportWithoutPublicName(Rule):
    code = "HDL102"
    name = "private-import-no-public-name"
    summary = "Import of a private TensorFlow symbol that has no public name"
    explanation = """\
The imported name is TensorFlow-internal and no public `tf.*` name exports it in the
target release: it may have been removed altogether (`AutoPolicy` existed in 2.3-2.4
only) or never been API. The message says which releases had it. There is nothing
to rewrite it to, so there is no fix; the code has to stop depending on it."""
    VALID = ("import tensorflow as tf\ntf.distribute.get_strategy()\n",)
    INVALID = (
        Invalid("from tensorflow.python.distribute.values import AutoPolicy\n"),
    )


class PrivateModuleImport(Rule):
    code = "HDL103"
    name = "private-module-import"
    summary = "Import of a private TensorFlow module"
    explanation = """\
A private module (`from tensorflow.python.framework import ops`) is imported and its
members are used through it. The module is not API; its members that are API have
public `tf.*` names. The fix rewrites each use (`ops.convert_to_tensor` becomes
`tf.convert_to_tensor`) and removes the import, when every use has a public name."""
    fix_availability = "sometimes"
    VALID = ("import tensorflow as tf\nx = tf.convert_to_tensor([1.0])\n",)
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
    gate = re.compile(
        r"tensorflow(?:\.|\s+import\s+)(?:python|core|lite|compiler|dtensor|tsl)\b"
    )

    def check(self, ctx) -> Iterable[Diagnostic]:
        privates = [imp for imp in ctx.imports if is_private(imp.path)]
        if not privates:
            return
        target = ctx.config.target()
        planner = _FixPlanner(ctx, target) if ctx.want_fixes else None
        for imp in privates:
            span = ctx.import_span(imp)
            protobuf = protobuf_module(imp.path)
            if protobuf and target in history.exists_in(imp.path):
                yield self._protobuf(ctx, imp, planner, target, span)
                continue
            if imp.is_star:
                yield ctx.diagnostic(
                    PrivateStarImport, f"star import from private module {imp.path}; "
                    "import the public names you use from tensorflow instead", span)
                continue
            if _is_module_import(imp):
                fix, reason = planner.plan(imp) if planner else (None, None)
                yield ctx.diagnostic(PrivateModuleImport, _module_message(imp.path, target),
                                     span, fix, reason)
                continue
            public = apimap.public_name_for(imp.path, target)
            counterpart = None if public else apimap.counterpart(imp.path)
            if public or counterpart:
                fix, reason = planner.plan(imp) if planner else (None, None)
                if public:
                    message = f"private import {imp.path}; use {public}{_since(public)}"
                else:
                    message = (f"private import {imp.path}; its public counterpart is "
                               f"{counterpart['public']} (fixed where a call fits both signatures)")
                yield ctx.diagnostic(PrivateImport, message, span, fix, reason)
            else:
                yield ctx.diagnostic(
                    PrivateImportWithoutPublicName,
                    f"private import {imp.path}: {history.no_public_name(imp.path, target)}",
                    span)

    @staticmethod
    def _protobuf(ctx, imp: ImportedName, planner, target: str, span) -> Diagnostic:
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
        # "... is private and was removed in TF 2.14 (it existed in 2.2-2.13)"
        story = history.describe(path, target).split(" is private and ", 1)[-1]
        message += f"; it {story}"
    return message


def _is_module_import(imp: ImportedName) -> bool:
    return isinstance(imp.statement, cst.Import) or apimap.is_module(imp.path)


class _UseIndex(cst.CSTVisitor):
    """Parents of attribute chains, the calls they head, and assignment targets."""

    def __init__(self):
        self.attribute_of: Dict[cst.CSTNode, cst.Attribute] = {}
        self.call_of: Dict[cst.CSTNode, cst.Call] = {}
        self.stored: set = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.attribute_of[node.value] = node

    def visit_Call(self, node: cst.Call) -> None:
        self.call_of[node.func] = node

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.stored.add(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.stored.add(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.stored.add(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self.stored.add(node.target)


def _call_fits(call: Optional[cst.Call], params: dict) -> bool:
    """Whether a call means the same to the private function and its public counterpart.

    Positional arguments must land on parameters of the same name in both, keywords
    must exist in both, the public function's required parameters must be given,
    and parameters left out must default to the same value in both.
    """
    if call is None:
        return False
    private, public = params["private_params"], params["public_params"]
    if private.get("varargs") or public.get("varargs"):
        return False
    shared_positional = 0
    for a, b in zip(private.get("args", ()), public.get("args", ())):
        if a != b:
            break
        shared_positional += 1
    given = set()
    positional = 0
    for arg in call.args:
        if arg.star:
            return False
        if arg.keyword is None:
            if positional >= shared_positional:
                return False
            given.add(public["args"][positional])
            positional += 1
            continue
        name = arg.keyword.value
        for side in (private, public):
            if name not in side.get("args", ()) and name not in side.get("kwonly", ()):
                return False
        given.add(name)
    public_args = list(public.get("args", ()))
    required = public_args[: len(public_args) - public.get("ndefaults", 0)]
    required += list(public.get("kwonly_required", ()))
    if not set(required) <= given:
        return False
    private_defaults = {**private.get("defaults", {}), **private.get("kwonly_defaults", {})}
    public_defaults = {**public.get("defaults", {}), **public.get("kwonly_defaults", {})}
    for name in set(private_defaults) & set(public_defaults) - given:
        if private_defaults[name] != public_defaults[name]:
            return False
    return True


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

    def __init__(self, ctx, target: str):
        self.ctx = ctx
        self.target = target
        self.scopes = ctx.scopes()
        self.uses = _UseIndex()
        ctx.module.visit(self.uses)
        self.tf = TensorflowAlias(ctx)
        self.alias = self.tf.name
        self.exports = _exported_names(ctx.module) if "__all__" in ctx.text else set()

    def _references(self, imp: ImportedName):
        scope = self.scopes[imp.statement]
        mine = [a for a in scope.assignments[imp.bound] if a.node is imp.statement]
        if not mine:
            return None
        return [ref for a in mine for ref in a.references]

    def plan(self, imp: ImportedName) -> Tuple[Optional[Fix], Optional[str]]:
        """Rewrite the uses to public names; failing that, bind the imported names to
        their public objects where the import stood (the same objects in the target)."""
        fix, reason = self._plan_uses(imp)
        if fix is None:
            bound, why = self._plan_binding(imp)
            if bound is not None:
                return bound, None
            if why:
                reason = f"{reason}; {why}"
        return fix, reason

    def _plan_binding(self, imp: ImportedName) -> Tuple[Optional[Fix], Optional[str]]:
        """`from tensorflow.python.x import A as B` -> `B = tf.a.A`, all names of the
        statement, each bound to the object the private path binds in the target.

        The same program: the names stay bound, at the same point, to the same objects
        (the public name exports that very object in the target, where the private path
        exists). Inside `try:` only when an unguarded `import tensorflow` precedes it, so
        that nothing new can fail there."""
        statement = imp.statement
        if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
            return None, None
        if self.alias is None or self.tf.shadowed_at(statement):
            return None, None
        if imp.site.in_try and not self.tf.bound_before(imp):
            return None, "no unguarded `import tensorflow` precedes the try: block"
        module = imp.path.rpartition(".")[0]
        assigns, public_of = [], {}
        for alias in statement.names:
            name = dotted_name(alias.name)
            path = f"{module}.{name}"
            public = apimap.public_name_at(path, self.target)
            if public is None or self.target not in history.exists_in(path):
                return None, None
            if apimap.keras_name_missing(public, self.target):
                return None, None
            bound = alias.asname.name.value if alias.asname else name
            last = alias is statement.names[-1]
            assigns.append(bind_statement(bound, self.alias + public[len("tf"):],
                                          statement if last else None))
            public_of[bound] = public
        ensure = () if imp.site.in_try else self.tf.ensure(imp)
        new = assigns[0] if len(assigns) == 1 else cst.FlattenSentinel(assigns)
        return Fix(f"bind {imp.bound} to {public_of[imp.bound]} where it was imported",
                   replace=((statement, new),), ensure=ensure), None

    def _plan_uses(self, imp: ImportedName) -> Tuple[Optional[Fix], Optional[str]]:
        if imp.site.in_try:
            return None, "inside a try: block (a fallback import)"
        dotted_plain = isinstance(imp.statement, cst.Import) and imp.alias.asname is None
        if dotted_plain:
            prefix = "tensorflow"
            # `import tensorflow.python.x` also binds `tensorflow.python`, `tensorflow`:
            # other private paths reached through it would break.
            scope = self.scopes[imp.statement]
            parts = imp.path.split(".")
            for depth in range(2, len(parts)):
                partial = ".".join(parts[:depth])
                for assignment in scope.assignments[partial]:
                    if assignment.node is imp.statement and assignment.references:
                        return None, f"other private paths are reached through {partial}"
        else:
            if self.alias is None:
                return None, "no free name for `import tensorflow` (tf, tensorflow and tf_ are taken)"
            prefix = self.alias
            if self.exports is None and isinstance(imp.site.scope, cst.Module):
                return None, "__all__ is computed: the name may be re-exported"
            if self.exports and imp.bound in self.exports:
                return None, f"{imp.bound} is listed in __all__ (re-exported)"
        refs = self._references(imp)
        if refs is None:
            return None, "could not resolve the import's binding"
        if not refs:
            return None, "not used in this file (it may be re-exported); remove it by hand"
        replace: List[Tuple[cst.CSTNode, cst.CSTNode]] = []
        renamed = set()
        for ref in refs:
            if len(ref.referents) != 1:
                return None, f"{imp.bound} is bound more than once in this file"
            node = ref.node
            if not isinstance(node, (cst.Name, cst.Attribute)):
                return None, f"{imp.bound} is used inside a string annotation"
            done, why = self._rewrite_use(imp, node, prefix)
            if done is None:
                return None, why
            replace.append(done[0])
            renamed.add(done[1])
        description = f"rewrite {imp.bound} to " + ", ".join(sorted(renamed))
        if dotted_plain:
            new_alias = imp.alias.with_changes(name=cst.Name("tensorflow"))
            return Fix(description, replace=tuple(replace) + ((imp.alias, new_alias),)), None
        ensure = self.tf.ensure(imp)
        return Fix(description, remove=(imp.alias,), replace=tuple(replace), ensure=ensure), None

    def _rewrite_use(self, imp: ImportedName, node: cst.CSTNode, prefix: str):
        """((original node, replacement), public name) for one use, or (None, why not)."""
        chain = [node]
        while chain[-1] in self.uses.attribute_of:
            chain.append(self.uses.attribute_of[chain[-1]])
        if any(n in self.uses.stored for n in chain):
            return None, f"{dotted_name(chain[-1])} is assigned to (not the same on tf)"
        attrs = [n.attr.value for n in chain[1:]]
        module_like = _is_module_import(imp)
        for consumed in (range(1, len(attrs) + 1) if module_like else (0,)):
            path = ".".join([imp.path] + attrs[:consumed])
            target = chain[consumed]
            spelled_here = dotted_name(target) or imp.bound
            public = apimap.public_name_for(path, self.target)
            if public is None:
                counterpart = apimap.counterpart(path)
                if counterpart:
                    if not _call_fits(self.uses.call_of.get(target), counterpart):
                        return None, (f"{spelled_here} is not {counterpart['public']}: a use passes "
                                      "arguments that mean something else there")
                    public = counterpart["public"]
            missing = apimap.keras_name_missing(public, self.target) if public else None
            if missing:
                return None, missing
            if public is not None:
                new = cst.parse_expression(prefix + public[len("tf"):])
                new = new.with_changes(lpar=target.lpar, rpar=target.rpar)
                return ((target, new), public), None
            if not apimap.is_module(path):
                return None, f"{spelled_here} has no public name"
        return None, f"{imp.bound} is used as a module object"
