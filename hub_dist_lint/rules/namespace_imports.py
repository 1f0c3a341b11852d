"""HDL4xx: imports that treat a TensorFlow API namespace as an importable module.

`tf.distribute.cluster_resolver` is an attribute path, not necessarily a module
path. `tensorflow/__init__.py` puts the generated API directory
(`tensorflow/_api/v2/`) on `tensorflow.__path__` *after* the wheel's own
directory, so where the wheel ships a real package `tensorflow/<ns>/` (an empty
`__init__.py`: `distribute` since 2.7, `lite`, `tools`, `dtensor`, ...), the
import system finds that placeholder and not the API namespace:
`import tensorflow.distribute.cluster_resolver` raises ModuleNotFoundError,
`from tensorflow.distribute import MirroredStrategy` raises ImportError, while
`import tensorflow.distribute as tfd` (bound by attribute) and
`from tensorflow.data import Dataset` (no placeholder) work. The model is
`changes.resolve_module`, fed by the file layout of every wheel
(`data/distribute_changes.json`); tests/test_tf_distribute_changes.py runs
each form under real TensorFlow.
"""

from __future__ import annotations

import re
from typing import Iterable, List, Optional, Tuple

import libcst as cst

from .. import apimap, changes
from ..diagnostics import Diagnostic, Fix
from ..imports import ImportedName
from ..tf_alias import TensorflowAlias
from .base import Checker, Invalid, Rule
from .private_imports import is_private


class NamespaceModuleImport(Rule):
    code = "HDL401"
    name = "namespace-module-import"
    summary = "`import tensorflow.x.y` of an API name that is not an importable module"
    explanation = """\
`import tensorflow.distribute.cluster_resolver as cluster_resolver` raises
`ModuleNotFoundError` on TensorFlow 2.7 and later: the wheel ships an empty package
`tensorflow/distribute/` that hides the API namespace `tf.distribute` from the import
system (the generated API directory comes after it on `tensorflow.__path__`), and it
has no `cluster_resolver`. The same happens for `import tensorflow.nn.relu` (a
function, not a module). `tf.distribute.cluster_resolver`, the attribute, works.

The fix binds the same object by attribute: `cluster_resolver =
tf.distribute.cluster_resolver` after `import tensorflow as tf` (added, or reused);
`import tensorflow.x.y` without `as` becomes `import tensorflow`, since its uses
already go through attributes."""
    fix_availability = "sometimes"
    fix_summary = 'binds the same object by attribute (`resolver = tf.distribute.cluster_resolver`)'
    VALID = (
        "import tensorflow as tf\nresolver = tf.distribute.cluster_resolver.TPUClusterResolver()\n",
        "import tensorflow.distribute as tfd  # bound by attribute: the API module\n",
        "import tensorflow.compat.v1 as tf\n",
        "import tensorflow.keras.layers as layers\n",
    )
    INVALID = (
        Invalid("import tensorflow.distribute.cluster_resolver as cluster_resolver\n"
                "resolver = cluster_resolver.TPUClusterResolver(tpu='')\n",
                "import tensorflow as tf\n"
                "cluster_resolver = tf.distribute.cluster_resolver\n"
                "resolver = cluster_resolver.TPUClusterResolver(tpu='')\n"),
        Invalid("import tensorflow.distribute.cluster_resolver\n"
                "r = tensorflow.distribute.cluster_resolver.TPUClusterResolver\n",
                "import tensorflow\n"
                "r = tensorflow.distribute.cluster_resolver.TPUClusterResolver\n"),
    )


class NamespaceFromImport(Rule):
    code = "HDL402"
    name = "namespace-from-import"
    summary = "`from tensorflow.x import Name` where tensorflow.x is an empty placeholder package"
    explanation = """\
`from tensorflow.distribute import MirroredStrategy` imports the module
`tensorflow.distribute`, which (TF 2.7 and later) is the wheel's empty package
`tensorflow/distribute/`, not the API namespace: `ImportError: cannot import name
'MirroredStrategy'`. `from tensorflow.distribute import experimental` is worse: it
succeeds and binds the empty package `tensorflow/distribute/experimental/`, whose
attributes then raise `AttributeError`. `tensorflow.lite` has always been such a
placeholder. Namespaces without a placeholder (`from tensorflow.data import Dataset`,
`from tensorflow.keras.layers import Dense`) import fine and are not reported.

The fix binds each name by attribute, `MirroredStrategy = tf.distribute.MirroredStrategy`,
after `import tensorflow as tf` (added, or reused)."""
    fix_availability = "sometimes"
    fix_summary = 'binds each name by attribute (`MirroredStrategy = tf.distribute.MirroredStrategy`)'
    VALID = (
        "from tensorflow.data import Dataset\n",
        "from tensorflow.keras.layers import Dense\n",
        "from tensorflow import distribute\n",
    )
    INVALID = (
        Invalid("from tensorflow.distribute import MirroredStrategy\n"
                "strategy = MirroredStrategy()\n",
                "import tensorflow as tf\n"
                "MirroredStrategy = tf.distribute.MirroredStrategy\n"
                "strategy = MirroredStrategy()\n"),
        Invalid("import tensorflow as tf\n"
                "from tensorflow.distribute import experimental as tde\n",
                "import tensorflow as tf\n"
                "tde = tf.distribute.experimental\n"),
    )


def _public(path: str) -> str:
    return "tf" + path[len("tensorflow"):]


def _fails_since(failing, target: str) -> str:
    rels = list(changes.releases())
    i = rels.index(target)
    while i > 0 and failing(rels[i - 1]):
        i -= 1
    return f"TF {rels[i]} or earlier" if i == 0 else f"TF {rels[i]}"


def _module_failure(path: str, release: str) -> Optional[Tuple[str, Optional[str]]]:
    """(why, hiding package) if `import <path>` fails in `release`, else None."""
    kind, hidden = changes.resolve_module(path, release)
    if kind != "missing":
        return None
    return "ModuleNotFoundError", hidden


def _from_failure(module: str, name: str, release: str):
    """(error, hiding package, binds placeholder?) for `from <module> import <name>`."""
    kind, hidden = changes.resolve_module(module, release)
    if kind == "missing":
        return "ModuleNotFoundError", hidden, False
    if kind != "wheel":
        return None
    sub = changes.wheel_package(f"{module}.{name}", release)
    if sub is not None:
        if sub["empty"] and changes.public_module_exists(_public(f"{module}.{name}"), release):
            return "placeholder", module, True
        return None
    return "ImportError", module, False


def _hidden_text(hidden: Optional[str]) -> str:
    if not hidden:
        return ""
    return (f" (the wheel's empty package {hidden.replace('.', '/')}/ hides the API namespace "
            f"{_public(hidden)} from the import system)")


class _Gate:
    """Files with an import of a `tensorflow.` submodule, other than the ubiquitous
    `import tensorflow.compat.v1/v2 [as tf]` lines (always importable), which would
    otherwise send most of tf_keras to the parser for nothing."""

    _any = re.compile(r"(?:import|from)\s+tensorflow\.")
    _compat_line = re.compile(
        r"[ \t]*import[ \t]+tensorflow\.compat\.v[12](?:[ \t]+as[ \t]+\w+)?[ \t]*(?:#[^\n]*)?\r?(?:\n|$)")

    def search(self, text: str) -> bool:
        for match in self._any.finditer(text):
            start = text.rfind("\n", 0, match.start()) + 1
            if not self._compat_line.match(text, start):
                return True
        return False


class NamespaceImportChecker(Checker):
    rules = (NamespaceModuleImport, NamespaceFromImport)
    gate = _Gate()

    def check(self, ctx) -> Iterable[Diagnostic]:
        target = ctx.target
        planner = None
        for imp in ctx.imports:
            if imp.is_star or not imp.path.startswith("tensorflow.") or is_private(imp.path):
                continue
            if isinstance(imp.statement, cst.Import):
                found = _module_failure(imp.path, target)
                public = _public(imp.path)
                if found is None or not apimap.public_exists(public, target):
                    continue
                _, hidden = found
                since = _fails_since(lambda r: _module_failure(imp.path, r) is not None
                                     and apimap.public_exists(public, r), target)
                what = "" if hidden or changes.public_module_exists(public, target) else \
                    f" ({public} is not a module)"
                message = (f"import {imp.path} fails with ModuleNotFoundError on TF {target}, "
                           f"since {since}{_hidden_text(hidden) or what}; "
                           f"use the attribute {public} after import tensorflow as tf")
                fix, reason = None, None
                if ctx.want_fixes:
                    planner = planner or _Planner(ctx)
                    fix, reason = planner.module_fix(imp)
                yield ctx.diagnostic(NamespaceModuleImport, message, ctx.import_span(imp),
                                     fix, reason)
                continue
            module, _, name = imp.path.rpartition(".")
            found = _from_failure(module, name, target)
            public = _public(imp.path)
            if found is None or not apimap.public_exists(public, target):
                continue
            error, hidden, placeholder = found
            since = _fails_since(lambda r: _from_failure(module, name, r) is not None
                                 and apimap.public_exists(public, r), target)
            if placeholder:
                message = (f"from {module} import {name} binds the empty package "
                           f"{imp.path.replace('.', '/')}/, not {public} (since {since}): its "
                           f"attributes raise AttributeError{_hidden_text(hidden)}; "
                           f"use {public}")
            else:
                message = (f"from {module} import {name} fails with {error} on TF {target}, "
                           f"since {since}{_hidden_text(hidden)}; use {public}")
            fix, reason = None, None
            if ctx.want_fixes:
                planner = planner or _Planner(ctx)
                fix, reason = planner.from_fix(imp, target)
            yield ctx.diagnostic(NamespaceFromImport, message, ctx.import_span(imp), fix, reason)


class _Planner:
    """Rewrites a failing import to attribute bindings on `import tensorflow as tf`."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.scopes = ctx.scopes()
        self.tf = TensorflowAlias(ctx)
        self.alias = self.tf.name

    def _guard(self, imp: ImportedName) -> Optional[str]:
        if imp.site.in_try:
            return "inside a try: block (a fallback import); rewrite it by hand"
        if self.alias is None:
            return "no free name for `import tensorflow as tf`"
        return None

    def module_fix(self, imp: ImportedName):
        if imp.alias.asname is None:
            if imp.site.in_try:
                return None, "inside a try: block (a fallback import); rewrite it by hand"
            new_alias = imp.alias.with_changes(name=cst.Name("tensorflow"))
            return Fix(f"import tensorflow; {imp.path} is reached by attribute",
                       replace=((imp.alias, new_alias),)), None
        why = self._guard(imp)
        if why:
            return None, why
        if len(imp.statement.names) != 1:
            return None, "several modules in one import statement; split it first"
        ensure = self.tf.ensure(imp)
        assign = self._assign(imp.bound, self.alias + imp.path[len("tensorflow"):],
                              imp.statement)
        return Fix(f"bind {imp.bound} by attribute", replace=((imp.statement, assign),),
                   ensure=ensure), None

    def from_fix(self, imp: ImportedName, target: str):
        why = self._guard(imp)
        if why:
            return None, why
        statement = imp.statement
        if isinstance(statement.names, cst.ImportStar):
            return None, "star import"
        module = imp.path.rpartition(".")[0]
        assigns: List[cst.Assign] = []
        for alias in statement.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else None
            if name is None or not apimap.public_exists(_public(f"{module}.{name}"), target):
                return None, f"{module}.{name} is not public in TF {target}"
            bound = alias.asname.name.value if alias.asname else name
            assigns.append(self._assign(bound, f"{self.alias}{module[len('tensorflow'):]}.{name}",
                                        statement if alias is statement.names[-1] else None))
        ensure = self.tf.ensure(imp)
        new = assigns[0] if len(assigns) == 1 else cst.FlattenSentinel(assigns)
        return Fix(f"bind {', '.join(a.targets[0].target.value for a in assigns)} by attribute",
                   replace=((statement, new),), ensure=ensure), None

    @staticmethod
    def _assign(name: str, value: str, original) -> cst.Assign:
        assign = cst.Assign([cst.AssignTarget(cst.Name(name))], cst.parse_expression(value))
        if original is not None:
            assign = assign.with_changes(semicolon=original.semicolon)
        return assign
