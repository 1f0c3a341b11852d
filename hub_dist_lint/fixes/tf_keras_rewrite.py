"""Moving a file's Keras to tf-keras, whole: `import tf_keras`; `tf.keras.X` -> `tf_keras.X`.

From TF 2.16 `tf.keras` (and the `keras` package) is Keras 3, while `hub.KerasLayer` is a
tf-keras layer. A model that holds one must be tf-keras throughout: a Keras 3 optimizer or
callback on a tf-keras model fails too (measured under TF 2.21: "Could not interpret
optimizer identifier"), so the rewrite covers every Keras spelling of the file or none:

- `tf.keras.A.B` and the module names TensorFlow sets (`tf.optimizers`, `tf.losses`,
  `tf.metrics`, `tf.initializers`) -> `tf_keras.A.B`, `tf_keras.optimizers...`;
- `from tensorflow.keras[.m] import X` / `from keras[.m] import X` -> `from tf_keras[.m] import X`;
- `import keras`, `import tensorflow.keras as K` -> `import tf_keras as keras` / `as K`;
- `from tensorflow import keras` -> `import tf_keras as keras`.

Every name the file reaches this way must exist in tf-keras at the target release (from the
shipped data, apimap.tf_keras_exports); a Keras-3-only name (`keras.ops`, `keras.random`,
`keras.config`, ...) leaves the file unchanged, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import libcst as cst

from ..checking import FixPlan, LintContext
from ..cst_walk import walk
from .. import apimap
from ..keras_facts import TF_KERAS, keras3_only, keras_public
from ..analysis.names import Names
from ..diagnostics import Ensure, Fix
from ..imports import ImportedName, OutsideImports, dotted_name

@dataclass
class KerasUse:
    """One reference to Keras in expressions: `tf.keras.layers.Dense`, `keras.ops.add`, `Dense`."""

    node: cst.CSTNode
    public: str  # tf.keras.* spelling
    rewrite_from: Optional[cst.Attribute] = None  # the `tf.keras` / `tf.optimizers` prefix node


class _UseFinder(OutsideImports):
    """Outermost Name/Attribute chains that resolve to Keras, outside import statements."""

    def __init__(self, names: Names):
        super().__init__()
        self.names = names
        self.uses: List[KerasUse] = []

    def visit_Arg(self, node):
        walk(node.value, self)
        return False

    def visit_Param(self, node):
        for part in (node.annotation, node.default):
            if part is not None:
                walk(part, self)
        return False

    def visit_Attribute(self, node):
        if self._record(node):
            return False
        walk(node.value, self)
        return False

    def visit_Name(self, node):
        self._record(node)

    def _record(self, node) -> bool:
        path = self.names.path_of(node)
        public = keras_public(path)
        if public is None:
            return False
        self.uses.append(KerasUse(node, public, _tensorflow_prefix(node, path)))
        return True


def _tensorflow_prefix(node, path: str) -> Optional[cst.CSTNode]:
    """The `tf.keras` (or `tf.optimizers`, ...) node of a chain `<TensorFlow's alias>.keras...`."""
    chain = []
    while isinstance(node, cst.Attribute):
        chain.append(node)
        node = node.value
    if not isinstance(node, cst.Name) or not chain:
        return None
    first = chain[-1]  # `root.<first attribute>`
    if path.split(".")[:2] != ["tensorflow", first.attr.value]:
        return None  # the root is not TensorFlow itself (tensorflow.compat.v2, keras, ...)
    return first


def _tf_keras_spelling(prefix: cst.Attribute) -> cst.BaseExpression:
    """`tf.keras` -> `tf_keras`; `tf.optimizers` -> `tf_keras.optimizers`."""
    public = apimap.alias_target("tf." + prefix.attr.value)
    new = cst.parse_expression(TF_KERAS + public[len("tf.keras"):])
    return new.with_changes(lpar=prefix.lpar, rpar=prefix.rpar)


def find_keras_uses(module: cst.Module, names: Names) -> List[KerasUse]:
    finder = _UseFinder(names)
    walk(module, finder)  # read-only: libcst's visit would rebuild the tree
    return finder.uses


@dataclass
class _Plan:
    replace: List[Tuple[cst.CSTNode, cst.CSTNode]] = field(default_factory=list)
    remove: List[cst.CSTNode] = field(default_factory=list)
    ensure: List[Ensure] = field(default_factory=list)
    needs_import: bool = False


def first_keras3_only(ctx: LintContext, names: Names, target: str) -> Optional[str]:
    """The first Keras name the file imports or uses that tf-keras lacks in `target`."""
    named = [(keras_public(imp.path), imp.path) for imp in ctx.imports if not imp.is_star]
    named += [(use.public, dotted_name(use.node)) for use in find_keras_uses(ctx.module, names)]
    for public, spelled in named:
        why = keras3_only(public, target, spelled) if public else None
        if why:
            return why
    return None


def plan_rewrite(ctx: LintContext, names: Names, target: str) -> FixPlan:
    """The whole-file tf-keras rewrite, or (None, why not)."""
    why = _blocked_by_imports(ctx.imports)
    if why:
        return FixPlan(None, why)
    why = first_keras3_only(ctx, names, target)
    if why:
        return FixPlan(None, f"the file uses {why}")
    plan = _Plan()
    for imp in ctx.imports:
        why = _plan_import(imp, plan, target)
        if why:
            return FixPlan(None, why)
    rewritten_roots = {imp.bound for imp in ctx.imports
                       if imp.bound and keras_public(imp.path) is not None}
    for use in find_keras_uses(ctx.module, names):
        if use.rewrite_from is not None:
            plan.replace.append((use.rewrite_from, _tf_keras_spelling(use.rewrite_from)))
            plan.needs_import = True
        elif _root(use.node) not in rewritten_roots:
            return FixPlan(None, f"{dotted_name(use.node)} reaches Keras through a spelling left as is")
    if plan.needs_import:
        why = _ensure_tf_keras(ctx, plan)
        if why:
            return FixPlan(None, why)
    if not (plan.replace or plan.remove or plan.ensure):
        return FixPlan(None, "nothing in the file spells Keras")
    return FixPlan(Fix("move the file's Keras to tf-keras (import tf_keras; tf.keras.X -> tf_keras.X)",
                       remove=tuple(plan.remove), replace=tuple(plan.replace),
                       ensure=tuple(plan.ensure)), None)


def _root(node) -> Optional[str]:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _blocked_by_imports(imports: List[ImportedName]) -> Optional[str]:
    why = legacy_keras_import(imports)
    if why:
        return why
    for imp in imports:
        root = imp.path.split(".")[0]
        if root.startswith("keras_") or root == "tf_keras" and imp.bound not in (None, TF_KERAS):
            return (f"it imports {imp.path}, which works with Keras 3" if root != "tf_keras"
                    else f"tf_keras is imported as {imp.bound}")
    return None


def _plan_import(imp: ImportedName, plan: _Plan, target: str) -> Optional[str]:
    """Rewrite one import that brings in Keras; a reason when it cannot be."""
    public = keras_public(imp.path)
    if public is None:
        return None
    if imp.is_star:
        return f"from {imp.path} import * (rewrite it by hand)"
    if imp.site.in_try:
        return f"the Keras import of {imp.path} is a fallback inside try: (rewrite it by hand)"
    statement = imp.statement
    if isinstance(statement, cst.Import):
        if imp.alias.asname is None and imp.path != "keras":
            return f"`import {imp.path}` binds {imp.path.split('.')[0]}: rewrite it by hand"
        new_name = cst.parse_expression(TF_KERAS + public[len("tf.keras"):])
        asname = imp.alias.asname or cst.AsName(name=cst.Name("keras"))
        plan.replace.append((imp.alias, imp.alias.with_changes(name=new_name, asname=asname)))
        return None
    module = dotted_name(statement.module)
    if module == "tensorflow":  # from tensorflow import keras [as k], optimizers, ...
        parent, _, last = (TF_KERAS + public[len("tf.keras"):]).rpartition(".")
        text = (f"import {TF_KERAS} as {imp.bound}" if not parent
                else f"from {parent} import {last}" + (f" as {imp.bound}" if imp.bound != last else ""))
        plan.remove.append(imp.alias)
        plan.ensure.append(Ensure(imp.site.line, text, imp.site.scope,
                                  (imp.site.top_index, imp.ordinal)))
        return None
    module_public = keras_public(module)
    if module_public is None or not apimap.tf_keras_exports(module_public, target) and \
            module_public != "tf.keras":
        return f"from {module} import ...: tf-keras has no module {module_public}"
    new_module = cst.parse_expression(TF_KERAS + module_public[len("tf.keras"):])
    if not any(old is statement.module for old, _ in plan.replace):
        plan.replace.append((statement.module, new_module))
    return None


def _ensure_tf_keras(ctx: LintContext, plan: _Plan, anchor: Optional[ImportedName] = None) -> Optional[str]:
    """`import tf_keras` before `anchor` (default: the first module-level import of
    TensorFlow), unless the file has it at module level."""
    if any(imp.path == TF_KERAS and imp.bound == TF_KERAS and not imp.site.in_try
           and isinstance(imp.site.scope, cst.Module) for imp in ctx.imports):
        return None
    names = ctx.import_uses()
    if names is None:
        return "could not resolve the file's names"
    if not names.bindings.is_free(TF_KERAS):
        return f"the name {TF_KERAS} is taken in this file"
    if anchor is None:
        anchors = [imp for imp in ctx.imports if imp.path.split(".")[0] == "tensorflow"
                   and isinstance(imp.site.scope, cst.Module) and not imp.site.in_try]
        if not anchors:
            return "no module-level import of tensorflow to put `import tf_keras` next to"
        anchor = anchors[0]
    plan.ensure.append(Ensure(anchor.site.line, f"import {TF_KERAS}", anchor.site.scope,
                              (anchor.site.top_index, anchor.ordinal)))
    return None


def legacy_keras_import(imports: List[ImportedName]) -> Optional[str]:
    """A layer from TensorFlow's own legacy Keras copy (tensorflow.python.keras) fits neither
    Keras: while the file imports one, moving the rest would still mix two."""
    for imp in imports:
        if imp.path.startswith("tensorflow.python.keras"):
            return (f"it imports {imp.path}, TensorFlow's legacy Keras copy (HDL101 moves it "
                    "to tf_keras first)")
    return None


def uses_hub_layer(ctx: LintContext) -> bool:
    """The file makes `hub.KerasLayer`s (cheap: its text and imports)."""
    return "KerasLayer" in ctx.text and any(imp.path.split(".")[0] == "tensorflow_hub"
                                            for imp in ctx.imports)


def tf_keras_ensure(ctx: LintContext, imp: ImportedName) -> Tuple[Optional[Ensure], Optional[str]]:
    """`import tf_keras` for a fix at `imp` (None when the file has it), or (None, why not)."""
    plan = _Plan()
    why = _ensure_tf_keras(ctx, plan, anchor=imp)
    return (plan.ensure[0] if plan.ensure else None), why
