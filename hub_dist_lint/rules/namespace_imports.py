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

import heapq
import re
from functools import lru_cache
from typing import Iterable, List, Optional, Tuple

import libcst as cst

from ..checking import FixPlan, LintContext
from ..files import own_package
from .. import apimap, changes, import_failures
from ..diagnostics import Diagnostic, Fix
from ..imports import ImportedName
from ..tf_alias import bind_statement
from .base import Checker, Invalid, Rule
from .keras3 import is_private_keras
from .private_imports import is_private


class NamespaceModuleImport(Rule):
    code = "HDL401"
    name = "namespace-module-import"
    reports_imports = True
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
        "try:\n    import tensorflow.distribute.cluster_resolver as cluster_resolver\n"
        "except ImportError:\n    cluster_resolver = None\n",
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
    reports_imports = True
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
        "try:\n    from tensorflow.distribute import MirroredStrategy\nexcept ImportError:\n"
        "    MirroredStrategy = None\n",
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


class MissingImport(Rule):
    code = "HDL403"
    name = "import-missing-in-target"
    reports_imports = True
    summary = "Import of a TensorFlow or Keras module or name the target release does not have"
    explanation = """\
`from tensorflow.gfile import GFile`, `import tensorflow.contrib.slim as slim`,
`from tensorflow.compat.v1.python.ops import array_ops`, `from keras.engine.topology
import Layer`: the module or the name is not in the target release, so the import
raises `ModuleNotFoundError` or `ImportError: cannot import name`. The verdict comes
from the file layout of the target's `tensorflow-cpu` wheel and the Keras wheels read
with it (`data/import_layout.json.gz`, generated): Python's path finder over each
package's `__path__` as TensorFlow's `__init__.py` files set it up (the generated API
directory, the Keras API directories; either `TF_USE_LEGACY_KERAS` setting counts,
and an import that works in one is not reported), and the names the API packages
bind. The message says with which releases the import works and what the target has
for it, if anything: only the very object the import meant (its public name; a TF 1 name
kept under `tf.compat.v1`; the path without `compat.v1` for a private tree spelled under it;
the same Keras public name across Keras 2 and 3) or its documented successor (the TF 2 name
TensorFlow's own upgrade table, `tf_upgrade_v2`'s, gives a TF 1 name: `tf.gfile.GFile` ->
`tf.io.gfile.GFile`). Another object under a similar name is never offered:
`from tensorflow import estimator` gets no hint (`tf.keras.estimator` is Keras's
model-to-estimator module), nor `import tensorflow.gfile` the module `tf.io.gfile` (other
names). A `tf.keras` name only tf-keras provides says "(only with TF_USE_LEGACY_KERAS=1)";
a member of a module `import tensorflow` replaces by Keras's (`tf.compat.v1.nn.rnn_cell`)
is not offered.

Private paths (`tensorflow.python...`) are HDL1xx's, `tensorflow.contrib.distribute`
is HDL304's, API namespaces hidden by a placeholder package are HDL401/402's.
Where the layout cannot tell (a Keras not read for that release, a directory of
tensorflow_estimator or tensorboard on `__path__`, a module binding names at run
time), nothing is reported. No fix: what the target has under the same name need not
be the same object."""
    VALID = (
        "from tensorflow.io import gfile\n",
        "import tensorflow.compat.v1 as tf\n",
        "from tensorflow.keras.layers import Dense\n",
        "from keras.layers import Dense\n",
        "try:\n    from tensorflow.contrib import slim\nexcept ImportError:\n    slim = None\n",
        "import tensorflow as tf\nif tf.__version__.startswith('1.'):\n    from tensorflow.contrib import slim\n",
        "try:\n    from tensorflow.keras.layers import Dense\nexcept ImportError:  # never runs on the target\n"
        "    from keras.layers.core import Dense\n",
    )
    INVALID = (
        Invalid("from tensorflow.gfile import GFile\n"),
        Invalid("import tensorflow.contrib.slim as slim\n"),
        Invalid("from tensorflow import contrib\n"),
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
    """Files with an import that may fail: of a `tensorflow.` submodule, other than the
    ubiquitous `import tensorflow.compat.v1/v2 [as tf]` lines (always importable, and
    most of tf_keras would otherwise be parsed for nothing), or a `from tensorflow
    import ...`, `keras...`, `tf_keras...` import that fails in some release of the
    layout (HDL403 reports it where it fails in the target)."""

    # `\b(?:import|from)\s+(tensorflow|keras|tf_keras)\b`, as two patterns that start with
    # a literal (which the regex engine finds fast: a tenth of the time on user trees)
    _imports = (re.compile(r"import\s+(tensorflow|keras|tf_keras)\b"),
                re.compile(r"from\s+(tensorflow|keras|tf_keras)\b"))
    _word = re.compile(r"\w")
    _tf_submodule = re.compile(r"(?:import|from)\s+tensorflow\.")
    _compat_line = re.compile(
        r"[ \t]*import[ \t]+tensorflow\.compat\.v[12](?:[ \t]+as[ \t]+\w+)?[ \t]*(?:#[^\n]*)?\r?(?:\n|$)")
    _from = re.compile(r"from\s+([\w.]+)\s+import\s+(\([^)]*\)|[^\n;#]*)")
    _import = re.compile(r"import\s+([^\n;#]*)")

    def search(self, text: str, package: Optional[str] = None) -> bool:
        """`package`: the file's own top-level package, whose imports are its own business."""
        for match in self._import_keywords(text):
            start = match.start()
            if match.group(1) == package and self._only_own(text, start):
                continue
            if self._tf_submodule.match(text, start):
                line = text.rfind("\n", 0, start) + 1
                if not self._compat_line.match(text, line):
                    return True
                continue
            if self._may_fail(text, start):
                return True
        return False

    def _import_keywords(self, text: str):
        """The matches of the one pattern above, in order (they cannot overlap: neither
        keyword lies inside a match)."""
        found = heapq.merge(*(pattern.finditer(text) for pattern in self._imports),
                            key=lambda match: match.start())
        return (m for m in found if not (m.start() and self._word.match(text, m.start() - 1)))

    @staticmethod
    def _only_own(text: str, start: int) -> bool:
        """The statement imports from one module only (`from p... import`, or `import p...`
        of one name): of the file's own package."""
        end = text.find("\n", start)
        return text.startswith("from", start) or "," not in text[start:end if end >= 0 else None]

    def _may_fail(self, text: str, start: int) -> bool:
        statement = self._from.match(text, start)
        if statement is not None:
            module, names = statement.group(1), statement.group(2).strip("() \t\r\n")
            if "\\" in names:
                return True  # a line continuation: let the parser see it
            pairs = [(module, n.split()[0]) for n in names.split(",") if n.strip()]
        else:
            statement = self._import.match(text, start)
            if statement is None or "\\" in statement.group(1):
                return True
            pairs = [(n.split()[0], None) for n in statement.group(1).split(",") if n.strip()]
        return any(_fails_somewhere(module, name) for module, name in pairs)


@lru_cache(maxsize=65536)
def _fails_somewhere(module: str, name: Optional[str]) -> bool:
    if name == "*":
        name = None
    if not all(part.isidentifier() for part in module.split(".")):
        return True
    return any(import_failures.fails(module, name, release) for release in apimap.releases())


class NamespaceImportChecker(Checker):
    rules = (NamespaceModuleImport, NamespaceFromImport, MissingImport)
    reads_imports = True
    gate = _Gate()

    def admits(self, text: str, path: str) -> bool:
        return self.gate.search(text, own_package(path))

    def plans_fixes_on_skeleton(self, text: str) -> bool:
        return True  # its fixes rewrite the import statements alone

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        target = ctx.target
        planner = _LazyPlanner(ctx)
        for imp in ctx.imports:
            found = None
            if not imp.is_star and imp.path.startswith("tensorflow.") and not is_private(imp.path):
                if imp.is_plain_import:
                    found = self._module_import(ctx, imp, target, planner)
                else:
                    found = self._from_import(ctx, imp, target, planner)
            if found is None:
                missing = _missing(imp, target)
                if missing is not None and not ctx.deliberate(imp, broken=True):
                    found = ctx.diagnostic(MissingImport, import_failures.message(missing, target),
                                           ctx.import_span(imp))
            if found is not None:
                yield found

    def _module_import(self, ctx: LintContext, imp: ImportedName, target: str,
                       planner: "_LazyPlanner") -> Optional[Diagnostic]:
        found = _module_failure(imp.path, target)
        public = _public(imp.path)
        if found is None or not apimap.public_exists(public, target):
            return None
        if ctx.deliberate(imp, broken=True):
            return None
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
            fix, reason = planner.get().module_fix(imp)
        return ctx.diagnostic(NamespaceModuleImport, message, ctx.import_span(imp), fix, reason)

    def _from_import(self, ctx: LintContext, imp: ImportedName, target: str,
                     planner: "_LazyPlanner") -> Optional[Diagnostic]:
        module, _, name = imp.path.rpartition(".")
        found = _from_failure(module, name, target)
        public = _public(imp.path)
        if found is None or not apimap.public_exists(public, target):
            return None
        error, hidden, placeholder = found
        # a placeholder import succeeds: no `except ImportError` catches what follows
        if ctx.deliberate(imp, broken=True, raises=not placeholder):
            return None
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
            fix, reason = planner.get().from_fix(imp, target)
        return ctx.diagnostic(NamespaceFromImport, message, ctx.import_span(imp), fix, reason)


def _missing(imp: ImportedName, target: str) -> Optional[import_failures.Failure]:
    """HDL403: the import fails in `target` and no other rule reports it."""
    if is_private(imp.path) or changes.contrib_distribute_import(imp.path, imp.bound):
        return None
    if is_private_keras(imp.path):
        return None  # HDL503's: a private Keras import, with its public name
    if imp.is_star:
        return import_failures.check(imp.path, None, target)
    if imp.is_plain_import:
        return import_failures.check(imp.path, None, target)
    module, _, name = imp.path.rpartition(".")
    if is_private(module):
        return None
    return import_failures.check(module, name, target)


class _LazyPlanner:
    """The file's `_Planner`, made for the first import that needs a fix."""

    def __init__(self, ctx: LintContext):
        self.ctx = ctx
        self._planner: Optional[_Planner] = None

    def get(self) -> "_Planner":
        if self._planner is None:
            self._planner = _Planner(self.ctx)
        return self._planner


class _Planner:
    """Rewrites a failing import to attribute bindings on `import tensorflow as tf`."""

    def __init__(self, ctx: LintContext):
        self.ctx = ctx
        self.tf = ctx.tensorflow_alias
        self.alias = self.tf.name

    def _guard(self, imp: ImportedName) -> Optional[str]:
        if imp.site.in_try:
            return "inside a try: block (a fallback import); rewrite it by hand"
        if self.alias is None:
            return "no free name for `import tensorflow` (tf, tensorflow and tf_ are taken)"
        return None

    def module_fix(self, imp: ImportedName) -> FixPlan:
        if imp.alias.asname is None:
            if imp.site.in_try:
                return FixPlan(None, "inside a try: block (a fallback import); rewrite it by hand")
            new_alias = imp.alias.with_changes(name=cst.Name("tensorflow"))
            return FixPlan(Fix(f"import tensorflow; {imp.path} is reached by attribute",
                               replace=((imp.alias, new_alias),), **self.ctx.fix_extent(imp)), None)
        why = self._guard(imp)
        if why:
            return FixPlan(None, why)
        if len(imp.statement.names) != 1:
            return FixPlan(None, "several modules in one import statement; split it first")
        ensure = self.tf.ensure(imp)
        assign = bind_statement(imp.bound, self.alias + imp.path[len("tensorflow"):],
                              imp.statement)
        return FixPlan(Fix(f"bind {imp.bound} by attribute", replace=((imp.statement, assign),),
                           ensure=ensure, **self.ctx.fix_extent(imp, (), ensure)), None)

    def from_fix(self, imp: ImportedName, target: str) -> FixPlan:
        why = self._guard(imp)
        if why:
            return FixPlan(None, why)
        statement = imp.statement
        if isinstance(statement.names, cst.ImportStar):
            return FixPlan(None, "star import")
        module = imp.path.rpartition(".")[0]
        assigns: List[cst.Assign] = []
        for alias in statement.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else None
            if name is None or not apimap.public_exists(_public(f"{module}.{name}"), target):
                return FixPlan(None, f"{module}.{name} is not public in TF {target}")
            bound = alias.asname.name.value if alias.asname else name
            assigns.append(bind_statement(bound, f"{self.alias}{module[len('tensorflow'):]}.{name}",
                                          statement if alias is statement.names[-1] else None))
        ensure = self.tf.ensure(imp)
        new = assigns[0] if len(assigns) == 1 else cst.FlattenSentinel(assigns)
        return FixPlan(Fix(f"bind {', '.join(a.targets[0].target.value for a in assigns)} by attribute",
                           replace=((statement, new),), ensure=ensure, **self.ctx.fix_extent(imp, (), ensure)), None)

