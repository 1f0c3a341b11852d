"""HDL3xx: `tf.distribute` APIs that were removed, renamed or deprecated.

The facts come from generated data, never from a hand list of releases:
`data/distribute_changes.json` (Strategy methods per release, read from each
wheel's `distribute_lib.py`; deprecation decorators on the homes of public names)
and the API map (which releases export a public name). Only what is removed or
deprecated in the target release is reported; current `experimental_*` methods
(`experimental_local_results`, `experimental_distribute_dataset`, ...) are API.

Method calls are matched only on receivers that are strategies (`strategies.py`):
`strategy.experimental_run_v2(...)` is reported, `foo.experimental_run_v2(...)` never.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from functools import lru_cache
from typing import Dict, Iterable, List, NamedTuple, Optional, Tuple, Type

import libcst as cst

from ..checking import FixPlan, ImportScan, LintContext
from .. import apimap, changes, tf_tables
from ..diagnostics import Diagnostic, Fix
from ..ast_nodes import all_nodes
from ..cst_walk import walk
from ..imports import OutsideImports, dotted_name
from ..analysis.signatures import call_fits
from ..analysis.receivers import StrategyReceivers, Verdict
from ..analysis.names import Names
from ..analysis.strategies import is_constructor, is_get_strategy
from .base import Checker, Invalid, Rule

_PRELUDE = "import tensorflow as tf\nstrategy = tf.distribute.MirroredStrategy()\n"


class RemovedStrategyMethod(Rule):
    code = "HDL301"
    name = "removed-strategy-method"
    summary = "A tf.distribute.Strategy method that no longer exists"
    explanation = """\
The method was removed from `tf.distribute.Strategy` (and from every strategy class
TensorFlow exports): on the target release the call raises `AttributeError`.
`experimental_run_v2` was renamed `run` (deprecated in 2.2, removed in 2.4);
`experimental_make_numpy_dataset` left the TF 2 strategies in 2.4 (use
`tf.data.Dataset.from_tensor_slices`). The message gives the releases, computed from
the strategy classes of every TensorFlow wheel 2.2-2.21.

Only receivers that are strategies are looked at: names and attributes ending in
`strategy`, names assigned from a strategy constructor. Methods still defined on the
TF 1 strategies (`tf.compat.v1.distribute`) are not reported in files that use
`compat.v1`. The fix renames the method when the replacement takes the same
arguments."""
    fix_availability = "sometimes"
    fix_summary = 'renames the method to its replacement (`experimental_run_v2` -> `run`) when it takes the same arguments'
    VALID = (
        _PRELUDE + "strategy.run(lambda: 1)\n",
        "import tensorflow as tf\nrunner = object()\nrunner.experimental_run_v2(print)  # not a strategy\n",
        _PRELUDE + "values = strategy.experimental_local_results(1)  # current API\n",
    )
    INVALID = (
        Invalid(_PRELUDE + "strategy.experimental_run_v2(step, args=(x,))\n",
                _PRELUDE + "strategy.run(step, args=(x,))\n"),
        Invalid(_PRELUDE + "ds = strategy.experimental_make_numpy_dataset(array)\n"),
    )


class DeprecatedStrategyMethod(Rule):
    code = "HDL302"
    name = "deprecated-strategy-method"
    summary = "A deprecated tf.distribute.Strategy method"
    explanation = """\
The method is decorated `@deprecated` on `tf.distribute.Strategy` in the target
release and logs a deprecation warning: `experimental_distribute_datasets_from_function`
(renamed `distribute_datasets_from_function` in 2.4), `unwrap` (use
`experimental_local_results`), `colocate_vars_with` (moved to `strategy.extended`),
`experimental_run` and `configure` (TF 1 only). Same receivers as HDL301. The fix
renames the call where the replacement takes the same arguments."""
    fix_availability = "sometimes"
    fix_summary = 'renames the method to its replacement when it takes the same arguments'
    VALID = (
        _PRELUDE + "dist = strategy.distribute_datasets_from_function(make_dataset)\n",
        "import tensorflow as tf\nparser.configure(x=1)  # not a strategy\n",
    )
    INVALID = (
        Invalid(_PRELUDE + "dist = strategy.experimental_distribute_datasets_from_function(fn)\n",
                _PRELUDE + "dist = strategy.distribute_datasets_from_function(fn)\n"),
        Invalid(_PRELUDE + "with strategy.colocate_vars_with(v):\n    pass\n",
                _PRELUDE + "with strategy.extended.colocate_vars_with(v):\n    pass\n"),
    )


class DeprecatedDistributeName(Rule):
    code = "HDL303"
    name = "deprecated-distribute-name"
    summary = "A deprecated tf.distribute.experimental name that has a stable name"
    explanation = """\
`tf.distribute.experimental.TPUStrategy` (stable name `tf.distribute.TPUStrategy`
since 2.3), `tf.distribute.experimental.MultiWorkerMirroredStrategy`
(`tf.distribute.MultiWorkerMirroredStrategy` since 2.4) and
`tf.distribute.experimental.CollectiveHints` (`CommunicationOptions`) are deprecated
in their home's source (`deprecated_endpoints`, or `@deprecated` on the constructor).
Experimental names that are merely aliases of a stable name and not deprecated
(`tf.distribute.experimental.ParameterServerStrategy`, `CentralStorageStrategy`,
which has no other name) are not reported.

Calls are reported: the deprecation fires on construction. So are class checks,
`isinstance(s, tf.distribute.experimental.TPUStrategy)`: the stable name is another
class (`TPUStrategyV2` does not inherit from the experimental `TPUStrategy`), so the
check is False for a strategy made the current way, a silent bug. The fix makes an
`isinstance` check match both classes: `isinstance(s, (tf.distribute.TPUStrategy,
tf.distribute.experimental.TPUStrategy))`; `issubclass` checks are reported only.

A constructor is rewritten only when the call's arguments mean the same to both and
`isinstance` cannot tell the two classes apart: the stable name is the same class, or
(read from the classes' source, `data/tf_tables.json`) the old class subclasses the new one
and its metaclass matches the new class's objects, so that `isinstance` holds both ways
(`tf.distribute.experimental.MultiWorkerMirroredStrategy()` ->
`tf.distribute.MultiWorkerMirroredStrategy()` on TF 2.21, measured). Where `isinstance`
tells them apart (`TPUStrategy` and `TPUStrategyV2`; `CollectiveHints` and
`CommunicationOptions`), the rewrite would make every `isinstance` check against the old
name, in this file or any other, stop matching the object: it is reported with that
reason, to be changed together with those checks by hand."""
    fix_availability = "sometimes"
    fix_summary = 'renames the constructor to its stable tf.distribute name when the arguments mean the same'
    VALID = (
        "import tensorflow as tf\nstrategy = tf.distribute.TPUStrategy(resolver)\n",
        "import tensorflow as tf\nstrategy = tf.distribute.experimental.CentralStorageStrategy()\n",
        "import tensorflow as tf\nstrategy = tf.distribute.experimental.ParameterServerStrategy(r)\n",
        "import tensorflow as tf\nok = isinstance(s, (tf.distribute.TPUStrategy,\n"
        "                    tf.distribute.experimental.TPUStrategy))\n",
    )
    INVALID = (
        Invalid("import tensorflow as tf\nstrategy = tf.distribute.experimental.TPUStrategy(resolver)\n"),
        Invalid("import tensorflow as tf\nis_tpu = isinstance(s, tf.distribute.experimental.TPUStrategy)\n",
                "import tensorflow as tf\nis_tpu = isinstance(s, (tf.distribute.TPUStrategy, "
                "tf.distribute.experimental.TPUStrategy))\n"),
        Invalid("import tensorflow as tf\n"
                "strategy = tf.distribute.experimental.MultiWorkerMirroredStrategy(\n"
                "    communication=tf.distribute.experimental.CollectiveCommunication.RING)\n"),
        Invalid("import tensorflow as tf\n"
                "strategy = tf.distribute.experimental.MultiWorkerMirroredStrategy()\n",
                "import tensorflow as tf\n"
                "strategy = tf.distribute.MultiWorkerMirroredStrategy()\n"),
    )


class RemovedContribDistribute(Rule):
    code = "HDL304"
    name = "removed-contrib-distribute"
    summary = "tf.contrib.distribute, which TensorFlow 2 does not have"
    explanation = """\
`tf.contrib` was removed in TensorFlow 2.0: no release 2.2-2.21 has any
`tf.contrib.distribute` name, so the attribute access raises `AttributeError` and
`import tensorflow.contrib...` raises `ModuleNotFoundError`. The message names the
TF 2 replacement. The fix rewrites `tf.contrib.distribute.X` to `tf.distribute.X`
when the call passes only keywords the TF 2 constructor takes; imports are not
rewritten."""
    fix_availability = "sometimes"
    fix_summary = 'rewrites tf.contrib.distribute.X to tf.distribute.X when the call passes only keywords X takes'
    VALID = ("import tensorflow as tf\nstrategy = tf.distribute.MirroredStrategy()\n",)
    INVALID = (
        Invalid("import tensorflow as tf\nstrategy = tf.contrib.distribute.MirroredStrategy()\n",
                "import tensorflow as tf\nstrategy = tf.distribute.MirroredStrategy()\n"),
        Invalid("import tensorflow as tf\n"
                "strategy = tf.contrib.distribute.MirroredStrategy(num_gpus=2)\n"),
        Invalid("from tensorflow.contrib.distribute import MirroredStrategy\n"),
    )


def _v2_path(path: Optional[str]) -> Optional[str]:
    """`tensorflow.compat.v2.x` is `tensorflow.x` (the same objects in TF 2)."""
    if path and path.startswith("tensorflow.compat.v2."):
        return "tensorflow." + path[len("tensorflow.compat.v2."):]
    return path


def isinstance_tells_apart(public: str, new: str, release: str) -> bool:
    """Another class that `isinstance` tells apart from this one (not the experimental
    MultiWorkerMirroredStrategy of 2.21, whose metaclass matches the stable class's objects)."""
    old_home, new_home = apimap.home_at(public, release), apimap.home_at(new, release)
    return bool(old_home and new_home and old_home != new_home) and \
        not tf_tables.isinstance_both_ways(public, new, release)


def _class_name(public: str, release: str) -> str:
    return (apimap.home_at(public, release) or public).rsplit(".", 1)[-1]


def _match_both(node: cst.Attribute, new_node: cst.BaseExpression, holder, new: str) -> Fix:
    """`X` -> `(NEW, X)`; in a tuple, NEW goes in front of X."""
    if holder is None:
        both = cst.Tuple([cst.Element(new_node.with_changes(lpar=[], rpar=[])),
                          cst.Element(node.with_changes(lpar=[], rpar=[]))])
        return Fix(f"check {new} too", replace=((node, both),))
    elements = []
    for element in holder.elements:
        if element.value is node:
            elements.append(cst.Element(new_node.with_changes(lpar=[], rpar=[]),
                                        comma=cst.MaybeSentinel.DEFAULT if element.comma is
                                        cst.MaybeSentinel.DEFAULT else cst.Comma(
                                            whitespace_after=cst.SimpleWhitespace(" "))))
            element = element.with_changes(comma=cst.MaybeSentinel.DEFAULT
                                           if element is holder.elements[-1] else element.comma)
        elements.append(element)
    return Fix(f"check {new} too", replace=((holder, holder.with_changes(elements=elements)),))


def _removed_by(mask: int, release: str) -> bool:
    """The method existed in some release before `release` and not in `release`."""
    return changes.release_set(mask).removed_by(release)


def _last_name(node) -> Optional[str]:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


@lru_cache(maxsize=1)
def _watched_names():
    """(strategy methods ever removed or deprecated, deprecated tf.distribute names)."""
    data = changes.data()
    methods = frozenset(n for n, m in data["strategy_methods"].items()
                        if m["v2_deprecated"] or any(_removed_by(m["any_v2"], r)
                                                     for r in changes.releases()))
    return methods, frozenset(n.rsplit(".", 1)[1] for n in data["deprecated_symbols"])


@lru_cache(maxsize=1)
def _spelled_patterns() -> Tuple[re.Pattern, re.Pattern]:
    """(`.method` or `.contrib`, `.Symbol`) as text, line continuations allowed."""
    methods, symbols = _watched_names()
    return (re.compile(rf"\.[\s\\]*(?:{'|'.join(sorted(methods))}|contrib)\b"),
            re.compile(rf"\.[\s\\]*(?:{'|'.join(sorted(symbols))})\b"))


_RECEIVER = re.compile(r"(?<![\w.])([A-Za-z_]\w*)[\s\\]*$")


def _spelled(text: str) -> bool:
    """Whether the text spells what `_may_match` looks for: `.method`, `.contrib`, or
    `name.Symbol` / `experimental.Symbol` (not `a.b.Symbol`)."""
    methods, symbols = _spelled_patterns()
    if methods.search(text):
        return True
    for found in symbols.finditer(text):
        receiver = _RECEIVER.search(text, max(0, found.start() - 200), found.start())
        before = text[max(0, found.start() - 200):found.start()]
        if receiver or before.rstrip(" \t\r\n\\").endswith("experimental"):
            return True
    return False


def _imports_tensorflow(imports) -> bool:
    return any(imp.path == "tensorflow" or imp.path.startswith("tensorflow.") for imp in imports)


def _may_match(tree: ast.AST, imports, text: str = "", release: Optional[str] = None) -> bool:
    """Whether the file has an attribute the CST scan could report (an over-approximation
    of `_method`/`_symbol`, on the `ast` tree the locator parses anyway; first on the
    text, which rules most files out without a walk). With `release` (the target), a
    deprecated name is looked up as `_symbol` does (`_SymbolReads`)."""
    if text and not _spelled(text):
        return False
    methods, symbols = _watched_names()
    symbol_reads = None  # built for the first `.Symbol` that needs it
    strategies = {imp.bound for imp in imports
                  if imp.bound and imp.path.rsplit(".", 1)[-1].lower().endswith("strategy")}
    # the attributes that may be reported, in order: looked at once every strategy name is known
    attributes = []
    for node in all_nodes(tree):
        kind = type(node)
        if kind is ast.Attribute:
            if node.attr in symbols or node.attr in methods or node.attr == "distribute":
                attributes.append(node)
        elif (kind is ast.Assign or kind is ast.AnnAssign) and type(node.value) is ast.Call:
            made = _last_name(node.value) or ""
            if made.lower().endswith(("strategy", "strategyv1", "strategyv2")) or made in strategies:
                for target in (node.targets if kind is ast.Assign else [node.target]):
                    name = _last_name(target)
                    if name:
                        strategies.add(name)
    for node in attributes:
        if node.attr == "distribute" and _last_name(node.value) == "contrib":
            return True  # HDL304 reads only tf.contrib.distribute (tf.contrib.slim is HDL403's)
        if node.attr in symbols and (
                isinstance(node.value, ast.Name) or _last_name(node.value) == "experimental"):
            if release is None:
                return True
            symbol_reads = symbol_reads or _SymbolReads(tree, imports, release)
            if symbol_reads.may_report(node):
                return True
        if node.attr in methods:
            receiver = _last_name(node.value) or ""
            if receiver.lower().endswith("strategy") or receiver in strategies:
                return True
    return False


_BINDS_A_NAME = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal,
                 ast.ExceptHandler, ast.MatchAs, ast.MatchStar, ast.MatchMapping, ast.arg)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


class _SymbolReads:
    """What `_symbol` makes of a `.Symbol` attribute, from `ast`: whether it may report it.

    `Names.path_of` resolves a chain's root name where it is read. That is decided here
    only for a root name that nothing but module-level imports bind (every read then gets
    the module's binding: the first import of the longest prefix of the chain, as
    `path_of` finds it); for any other root, every import that could bind a prefix is
    assumed (more paths, never fewer). A class check (`isinstance(s, (NEW, OLD))`) is
    ruled out only when an element of the tuple certainly spells the stable name."""

    def __init__(self, tree: ast.AST, imports, target: str):
        self.target = target
        self.first: Dict[str, str] = {}  # bound -> path of its first import
        self.every: Dict[str, set] = {}  # bound -> every path imported as it
        for imp in imports:
            if imp.bound and not imp.is_star:
                self.first.setdefault(imp.bound, imp.path)
                self.every.setdefault(imp.bound, set()).add(imp.path)
        self.calls, self.class_checks = set(), {}
        self.rebound, nested_imports = set(), set()
        self._collect(tree, False, nested_imports)
        self.rebound |= {bound.split(".")[0] for bound in nested_imports}

    def _collect(self, node: ast.AST, nested: bool, nested_imports: set) -> None:
        """Calls, class checks, and the names bound other than by a module-level import."""
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Load):
                self.rebound.add(child.id)
            elif isinstance(child, _BINDS_A_NAME):
                for name in ("name", "arg", "rest"):
                    value = getattr(child, name, None)
                    if isinstance(value, str):
                        self.rebound.add(value)
                self.rebound.update(getattr(child, "names", ()) if isinstance(
                    child, (ast.Global, ast.Nonlocal)) else ())
            elif isinstance(child, (ast.Import, ast.ImportFrom)) and nested:
                nested_imports.update(a.asname or a.name for a in child.names)
            elif isinstance(child, ast.Call):
                self.calls.add(id(child.func))
                self._class_check(child)
            self._collect(child, nested or isinstance(child, _SCOPES), nested_imports)

    def _class_check(self, call: ast.Call) -> None:
        """As `_Scan.visit_Call`: `isinstance(x, C)` / `issubclass(x, (C, D))`, two plain
        arguments; a starred element's value counts (libcst's element value)."""
        if not (isinstance(call.func, ast.Name) and call.func.id in ("isinstance", "issubclass")
                and len(call.args) == 2 and not call.keywords
                and not any(isinstance(a, ast.Starred) for a in call.args)):
            return
        classes = call.args[1]
        if isinstance(classes, ast.Attribute):
            self.class_checks[id(classes)] = None
        elif isinstance(classes, ast.Tuple):
            for element in classes.elts:
                value = element.value if isinstance(element, ast.Starred) else element
                if isinstance(value, ast.Attribute):
                    self.class_checks[id(value)] = classes

    def _paths(self, node: ast.AST) -> Tuple[Optional[set], bool]:
        """(the paths `path_of` may give the chain, whether that is the one path it gives);
        None: not a chain of names."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None, False
        parts.append(node.id)
        parts.reverse()
        if node.id not in self.rebound:
            for cut in range(len(parts), 0, -1):
                path = self.first.get(".".join(parts[:cut]))
                if path is not None:
                    return {".".join([path] + parts[cut:])}, True
            return set(), True
        found = set()
        for cut in range(len(parts), 0, -1):
            for path in self.every.get(".".join(parts[:cut]), ()):
                found.add(".".join([path] + parts[cut:]))
        return found, False

    def may_report(self, node: ast.Attribute) -> bool:
        paths, _ = self._paths(node)
        for path in paths or ():
            path = _v2_path(path)
            if not path.startswith("tensorflow."):
                continue
            public = "tf." + path[len("tensorflow."):]
            if public.startswith("tf.contrib.distribute.") and public.count(".") == 3:
                return True
            dep = changes.deprecated_symbol(public)
            if dep is None or not changes.has(dep["releases"], self.target):
                continue
            if id(node) in self.calls:
                return True
            if id(node) not in self.class_checks:
                continue  # neither a call nor a class check: `_symbol` reports neither
            new = changes.symbol_fix(public)
            if not new or not isinstance_tells_apart(public, new, self.target):
                continue
            holder = self.class_checks[id(node)]
            if holder is None or not self._spells(holder, "tensorflow." + new[3:]):
                return True
        return False

    def _spells(self, holder: ast.Tuple, stable: str) -> bool:
        """An element of the tuple is certainly `stable`."""
        for element in holder.elts:
            value = element.value if isinstance(element, ast.Starred) else element
            paths, certain = self._paths(value)
            if certain and paths and {_v2_path(p) for p in paths} == {stable}:
                return True
        return False


class _LazyGate:
    """The checker's gate, built from the data on first use.

    Strategy methods are only ever reached as `.name` on something that is a
    strategy, so a file must spell `.name` and mention a strategy; deprecated names
    are spelled `.Name` too. Anything else cannot have a finding and is not walked
    (this checker walks expressions, which costs about as much as the parse).
    """

    _names: Optional[re.Pattern] = None
    _methods: Optional[re.Pattern] = None
    _strategy = re.compile(r"[Ss]trategy|STRATEGY")

    def search(self, text: str):
        if self._names is None:
            methods, names = _watched_names()
            names = names | {"contrib"}
            type(self)._names = re.compile(r"\.(?:" + "|".join(sorted(names)) + r")\b")
            type(self)._methods = re.compile(r"\.(?:" + "|".join(sorted(methods)) + r")\b")
        return self._names.search(text) or (
            self._methods.search(text) and self._strategy.search(text))


def _strip_self(params: dict) -> dict:
    out = dict(params)
    args = list(params.get("args", ()))
    if args and args[0] == "self":
        out["args"] = args[1:]
    return out


def _fits(call: Optional[cst.Call], old: Optional[dict], new: Optional[dict]) -> bool:
    if old is None or new is None:
        return False
    old, new = _strip_self(old), _strip_self(new)
    if call is None:  # a reference, not a call: only when the signatures are the same
        return old == new
    return call_fits(call, {"private_params": old, "public_params": new})


def _keywords_misfit(call: Optional[cst.Call], new: Optional[dict], name: str) -> Optional[str]:
    """For tf.contrib (no TF 1 signature read): keywords only, all taken by the TF 2 one.
    None when the call fits, else why not (a true sentence about this call)."""
    if call is None:
        return None
    if new is None:
        return f"the parameters of {name}() are not in the data"
    new = _strip_self(new)
    accepted = set(new.get("args", ())) | set(new.get("kwonly", ()))
    for arg in call.args:
        if arg.star:
            return f"a {arg.star}-argument: which parameters it fills cannot be checked"
        if arg.keyword is None:
            return (f"a positional argument: no TF 1 signature is read, so whether it means "
                    f"the same to {name}() cannot be checked; pass it by keyword")
        if arg.keyword.value not in accepted:
            return f"{name}() takes no argument {arg.keyword.value!r}"
    given = {arg.keyword.value for arg in call.args}
    args = list(new.get("args", ()))
    required = args[: len(args) - new.get("ndefaults", 0)] + list(new.get("kwonly_required", ()))
    missing = [p for p in required if p not in given]
    if missing:
        return f"{name}() requires {', '.join(repr(p) for p in missing)}, which the call does not pass"
    return None


_STATEMENT = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


class Found(NamedTuple):
    """A finding of this family at an attribute: its rule, message and fix plan."""

    rule: Type[Rule]
    message: str
    plan: FixPlan


class _Scan(OutsideImports):
    def __init__(self):
        super().__init__()
        self.attributes: List[cst.Attribute] = []
        self.call_of: Dict[cst.CSTNode, cst.Call] = {}
        # class arguments of isinstance()/issubclass(): node -> (the tuple holding it or
        # None, "isinstance" or "issubclass")
        self.class_checks: Dict[cst.CSTNode, tuple] = {}
        self._path: List[cst.CSTNode] = []  # statements from the module to the current node
        self._path_of: Dict[cst.CSTNode, Tuple[cst.CSTNode, ...]] = {}

    def on_visit(self, node) -> bool:
        if isinstance(node, _STATEMENT):
            self._path.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node) -> None:
        super().on_leave(original_node)
        if isinstance(original_node, _STATEMENT):
            self._path.pop()

    def visit_Attribute(self, node):
        self.attributes.append(node)
        self._path_of[node] = tuple(self._path)

    def extent(self, node: cst.Attribute) -> Dict[str, object]:
        """`Fix` fields for a fix that rewrites within the statement holding `node` (every
        fix of this family does): that statement and the ones around it."""
        path = self._path_of.get(node)
        if not path:
            return {}
        return {"within": frozenset(path)}

    def visit_Call(self, node):
        self.call_of[node.func] = node
        if (isinstance(node.func, cst.Name) and node.func.value in ("isinstance", "issubclass")
                and len(node.args) == 2 and not any(a.star or a.keyword for a in node.args)):
            classes, check = node.args[1].value, node.func.value
            if isinstance(classes, cst.Attribute):
                self.class_checks[classes] = (None, check)
            elif isinstance(classes, cst.Tuple):
                for element in classes.elements:
                    if isinstance(element.value, cst.Attribute):
                        self.class_checks[element.value] = (classes, check)


class RemovedApiChecker(Checker):
    rules = (RemovedStrategyMethod, DeprecatedStrategyMethod, DeprecatedDistributeName,
             RemovedContribDistribute)
    gate = _LazyGate()
    reads_imports = True

    def decides_from_imports(self, scan: ImportScan) -> bool:
        return not _imports_tensorflow(scan.imports) or not _may_match(scan.tree, scan.imports,
                                                                       scan.text, scan.target)

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        imports = ctx.imports
        if not _imports_tensorflow(imports):
            return
        target = ctx.target
        for imp in imports:
            if changes.contrib_distribute_import(imp.path, imp.bound):
                yield ctx.diagnostic(RemovedContribDistribute, self._contrib_import(imp.path),
                                     ctx.import_span(imp))
        tree = ctx.locator.ast_tree()
        if tree is not None and not _may_match(tree, imports, ctx.text, target):
            return  # an expression walk costs about a parse: skip it when ast rules it out
        names = ctx.names
        scan = _Scan()
        walk(ctx.module, scan)
        maybe_v1 = "compat.v1" in ctx.text
        for node in scan.attributes:
            found = (self._method(node, ctx, scan, maybe_v1)
                     or self._symbol(node, names, scan, target, ctx.want_fixes))
            if found is None:
                continue
            fix = found.plan.fix
            if fix is not None:
                fix = dataclasses.replace(fix, **scan.extent(node))
            yield ctx.diagnostic(found.rule, found.message, ctx.span(node), fix, found.plan.reason)

    # -- strategy methods -------------------------------------------------------
    @staticmethod
    def _receiver_v1(node, names: Names, receivers: StrategyReceivers) -> bool:
        """A TF 1 strategy: made by a compat.v1 constructor, or bound to one."""
        if isinstance(node, cst.Call):
            return ".compat.v1." in (names.path_of(node.func) or "")
        if isinstance(node, cst.Name):
            held = receivers.bound(node)
        elif isinstance(node, cst.Attribute):
            held = receivers.stored(node.attr.value)
        else:
            return False
        for binding in held:
            if binding.kind == "value" and isinstance(binding.value, cst.Call):
                path = names.path_of(binding.value.func)
                if (is_constructor(path) or is_get_strategy(path)) and ".compat.v1." in path:
                    return True
        return False

    def _method(self, node: cst.Attribute, ctx: LintContext, scan: _Scan, maybe_v1: bool):
        name = node.attr.value
        info = changes.method(name)
        if info is None:
            return None
        target, fixes = ctx.target, ctx.want_fixes
        verdict = ctx.receivers.verdict(node.value)
        if verdict not in (Verdict.PROVEN, Verdict.LIKELY):
            return None
        # Removed: it existed in an earlier release and not in the target. (A method
        # added after the target is not "removed"; newer code may just use it.)
        removed = _removed_by(info["any_v2"], target)
        deprecated = changes.has(info["v2_deprecated"], target)
        if not (removed or deprecated):
            return None
        on_v1 = changes.has(info["v1"], target) and not changes.has(info["v1_deprecated"], target)
        if on_v1 and (maybe_v1 or self._receiver_v1(node.value, ctx.names, ctx.receivers)):
            return None  # still API on the TF 1 strategies this file may use
        receiver = dotted_name(node.value) or "strategy"
        fix_info = info.get("fix")
        replacement = fix_info["replacement"] if fix_info else None
        advice = f"use {receiver}.{replacement}()" if replacement else info.get("hint") or (
            info.get("message") or "")
        if removed:
            present = changes.rels(info["any_v2"])
            gone = changes.removed_in(info["any_v2"], target)
            history = f"defined in TF {changes.span(present)}, removed in TF {gone}"
            if info["v2_deprecated"]:
                last = changes.rels(info["v2_deprecated"])[-1]
                history = (f"deprecated since {changes.since_text(info['v2_deprecated'], last)}, "
                           f"removed in TF {gone}")
            message = (f"{receiver}.{name}() no longer exists ({history}): AttributeError on "
                       f"TF {target}; {advice}")
            rule = RemovedStrategyMethod
        else:
            message = (f"{receiver}.{name}() is deprecated since "
                       f"{changes.since_text(info['v2_deprecated'], target)}; {advice}")
            rule = DeprecatedStrategyMethod
        fix, reason = None, None
        if fixes and verdict is not Verdict.PROVEN:
            reason = (f"{receiver} is named like a strategy, but this file does not show it is "
                      "a tf.distribute strategy (bound to a strategy constructor)")
        elif fixes:
            fix, reason = self._method_fix(node, name, fix_info, scan, target)
        return Found(rule, message, FixPlan(fix, reason))

    def _method_fix(self, node, name, fix_info, scan, target) -> FixPlan:
        if not fix_info:
            return FixPlan(None, "no drop-in replacement: rewrite by hand")
        new_name = fix_info["replacement"]
        call = scan.call_of.get(node)
        if fix_info["how"] == "extended":
            new = node.with_changes(value=cst.Attribute(node.value, cst.Name("extended")))
            return FixPlan(Fix(f"call {name} on .extended", replace=((node, new),)), None)
        new_info = changes.method(new_name)
        if new_info is None or not changes.has(new_info["v2"], target):
            return FixPlan(None, f"{new_name} does not exist in TF {target}")
        if not _fits(call, changes.method(name).get("params"), new_info.get("params")):
            return FixPlan(None, f"the arguments do not mean the same to {new_name}()")
        return FixPlan(Fix(f"rename {name} to {new_name}", replace=((node.attr, cst.Name(new_name)),)), None)

    # -- public names -------------------------------------------------------------
    def _symbol(self, node: cst.Attribute, names: Names, scan: _Scan, target: str, fixes: bool):
        path = names.path_of(node)
        if not path or not path.startswith("tensorflow."):
            return None
        path = _v2_path(path)
        public = "tf." + path[len("tensorflow."):]
        call = scan.call_of.get(node)
        spelled = dotted_name(node)
        if public.startswith("tf.contrib.distribute.") and public.count(".") == 3:
            name = public.rsplit(".", 1)[1]
            new = changes.contrib_replacement(name)
            if new is not None and not apimap.public_exists(new, target):
                new = None
            message = (f"{spelled}: tf.contrib was removed in TensorFlow 2.0 (no release "
                       f"{changes.span(changes.releases())} has it)"
                       + (f"; use {new}" if new else ""))
            fix, reason = None, None
            if fixes:
                if new is None:
                    reason = "no TF 2 replacement known"
                elif _keywords_misfit(call, changes.constructor_params(new), new):
                    reason = _keywords_misfit(call, changes.constructor_params(new), new)
                else:
                    fix, reason = self._rename(node, path, new, names)
            return Found(RemovedContribDistribute, message, FixPlan(fix, reason))
        dep = changes.deprecated_symbol(public)
        if dep is None or not changes.has(dep["releases"], target):
            return None
        new = changes.symbol_fix(public)
        if call is None:
            # the deprecation fires on construction; a class check is wrong only where the
            # stable name is another class
            return self._class_check(node, public, new, names, scan, target, fixes)
        since = changes.since_text(dep["releases"], target)
        if new:
            new_since = apimap.public_releases(new)
            advice = f"use {new} (public since TF {new_since[0]})" if new_since else ""
        else:
            advice = "no stable replacement"
        message = f"{spelled} is deprecated since {since}; {advice}"
        fix, reason = None, None
        if fixes:
            if not new or not apimap.public_exists(new, target):
                reason = "no stable replacement in the target release"
            elif not _fits(call, changes.constructor_params(public), changes.constructor_params(new)):
                reason = f"the arguments do not mean the same to {new}()"
            elif isinstance_tells_apart(public, new, target):
                reason = (f"{new} is another class ({_class_name(new, target)}): isinstance() "
                          f"checks against {public} here or elsewhere would stop matching the "
                          "object; change them together by hand")
            else:
                fix, reason = self._rename(node, path, new, names)
        return Found(DeprecatedDistributeName, message, FixPlan(fix, reason))

    def _class_check(self, node, public, new, names, scan, target, fixes):
        """`isinstance(s, tf.distribute.experimental.TPUStrategy)` is False for a
        `tf.distribute.TPUStrategy` object: the stable name is another class."""
        if node not in scan.class_checks or not new or not isinstance_tells_apart(public, new, target):
            return None
        holder, check = scan.class_checks[node]
        stable = "tensorflow." + new[3:]
        if holder is not None and any(_v2_path(names.path_of(e.value)) == stable
                                      for e in holder.elements):
            return None  # already matches both classes
        spelled = dotted_name(node)
        message = (f"{spelled} in a class check: {new} objects are not instances of it "
                   f"({new} is {_class_name(new, target)}, another class), so the check is "
                   f"False for strategies made the current way; check both classes")
        fix, reason = None, None
        if fixes and check == "issubclass":
            reason = "issubclass() asks about the classes themselves: decide by hand"
        elif fixes:
            renamed, reason = self._rename(node, "tensorflow." + public[3:], new, names)
            if renamed is not None:
                new_node = renamed.replace[0][1]
                fix = _match_both(node, new_node, holder, new)
        return Found(DeprecatedDistributeName, message, FixPlan(fix, reason))

    @staticmethod
    def _rename(node: cst.Attribute, path: str, new_public: str, names: Names) -> FixPlan:
        """Spell `new_public` from the same root as `node` (`tf.` stays `tf.`)."""
        spelled = dotted_name(node)
        parts = spelled.split(".")
        new_path = "tensorflow." + new_public[len("tf."):]
        for cut in range(len(parts) - 1, 0, -1):
            root = ".".join(parts[:cut])
            base = names.path_of(_prefix(node, cut))
            if base in ("tensorflow", "tensorflow.compat.v2"):
                base = "tensorflow"
            if base and (new_path == base or new_path.startswith(base + ".")):
                expr = cst.parse_expression(root + new_path[len(base):])
                expr = expr.with_changes(lpar=node.lpar, rpar=node.rpar)
                return FixPlan(Fix(f"rewrite {spelled} to {new_public}", replace=((node, expr),)), None)
        return FixPlan(None, f"cannot spell {new_public} from {parts[0]}")

    @staticmethod
    def _contrib_import(path: str) -> str:
        name = path.rsplit(".", 1)[1] if path.count(".") >= 3 else None
        new = changes.contrib_replacement(name) if name else None
        return (f"import of {path}: tf.contrib was removed in TensorFlow 2.0 (no release "
                f"{changes.span(changes.releases())} has it): ModuleNotFoundError"
                + (f"; use {new}" if new else "; use tf.distribute"))


def _prefix(node: cst.CSTNode, cut: int) -> cst.CSTNode:
    """The node spelling the first `cut` parts of the chain `node` (`tf.distribute` of
    `tf.distribute.experimental.TPUStrategy` for 2)."""
    chain = [node]
    while isinstance(node, cst.Attribute):
        node = node.value
        chain.append(node)
    return chain[-cut]
