"""Deliberate imports: imports whose failure, or whose privacy, the file has already dealt
with. One notion for every import family (HDL1xx, HDL4xx, HDL503).

An import is deliberate, and not reported, when it is

- **handled**: inside `try:` whose handlers catch `ImportError` (or `ModuleNotFoundError`,
  `Exception`, `BaseException`, a bare `except:`, a tuple holding one) and do not leave by
  raising again, or inside `with contextlib.suppress(ImportError):`. Nothing fails there:
  the file has chosen what to do when the import fails. A handler ending in `raise` (or
  `sys.exit()`) does not handle the failure, it words it;
- a **fallback that never runs on the target**: in the `except ImportError:` handler of a
  try whose own imports all work on the target release, the handler is dead code there
  (`try: from tensorflow.keras.layers import Dense` / `except ImportError: from
  keras.layers.core import Dense`). Where the try's import fails on the target, the
  handler runs, and its imports are judged like any other (they fail for real);
- **gated**: in a branch of an `if` whose test reads the TensorFlow or Keras release
  (`tf.__version__`, `version.parse(tf.__version__) < ...`, `tf.__version__.startswith(...)`,
  `keras.__version__`, `tf.version.VERSION`, `hasattr(tf, ...)`, `is_tf2()`, a name such as
  `TF_VERSION` or `_IS_KERAS_3`, the presence of `tf_keras` or `TF_USE_LEGACY_KERAS`), or
  under `if TYPE_CHECKING:` (never run). Which branch runs on the target is not worked
  out: an import that fails (or is missing) on the target in such a branch is taken to be
  for other releases. One that works there is judged as usual;
- **the file's own package**: the file lies inside the top-level package it imports (found
  by walking up the `__init__.py` files): tf_keras's source importing `tf_keras.src`,
  Keras's importing `keras.src`, TensorFlow's importing `tensorflow.python`. A package's
  imports of itself are its own business.

`sys.version_info`, `six.PY2` and other tests that do not read a TensorFlow or Keras
release do not gate. Built from the `ast` tree (cheap); the verdict is per import
statement, looked up by the statement's position, so an `ast` or token scan that knows
where import statements are can ask too.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, Optional, Sequence, Set, Tuple, Union

from .. import apimap, history, import_failures
from ..files import own_package

# what an `except` must catch to catch a failing import
_CATCHES_IMPORT_ERROR = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
# attributes that read a release: tf.__version__, tf.version.VERSION, keras.__version__,
# tf.__internal__.tf2.enabled(), tf.compat.forward_compatible(...)
_RELEASE_ATTRIBUTES = {"__version__", "VERSION", "GIT_VERSION", "__git_version__", "version",
                       "tf2", "forward_compatible"}
# names that say they hold a TensorFlow or Keras release: TF_VERSION, tf2, _IS_TF2,
# is_keras_3(), KERAS_VERSION, tf_keras, use_legacy_keras
_RELEASE_NAME = re.compile(
    r"(?:^|_)(?:tf|tensorflow|keras)_?(?:v?\d|version|ver\b|major|minor|legacy)"
    r"|^_*is_(?:tf|keras)|(?:^|_)tf_keras|legacy_keras|(?:^|_)tfv?\d", re.I)
# distributions and settings whose presence or value picks a release
_RELEASE_STRINGS = {"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos",
                    "tf-nightly", "keras", "tf-keras", "tf_keras", "TF_USE_LEGACY_KERAS"}
_RELEASE_ROOTS = ("tensorflow", "keras", "tf_keras")
_EXITS = {"exit", "quit", "_exit"}


@dataclass(frozen=True)
class Placement:
    """Where one import statement stands, as far as failing imports go."""

    handled: Optional[str] = None  # "except ImportError", "contextlib.suppress(ImportError)"
    gated: Optional[str] = None  # the test's source: "tf.__version__ < '2'"
    # per enclosing `except ImportError:` handler, the imports of its try whose failure
    # runs the handler: (module, name or None)
    fallback_for: Tuple[Tuple[Tuple[str, Optional[str]], ...], ...] = ()


_NOWHERE = Placement()


def imports_own_package(path: str, imported: str) -> bool:
    """The file at `path` lies in the top-level package `imported` belongs to."""
    package = own_package(path)
    return package is not None and imported.split(".")[0] == package


class DeliberateImports:
    """Per import statement of one file: is it handled, a dead fallback, gated, or of the
    file's own package. `target` decides whether a fallback's try works."""

    def __init__(self, tree: Union[Optional[ast.Module], Callable[[], Optional[ast.Module]]],
                 path: str, target: str):
        """`tree`: the file's `ast` tree, or what parses it when first needed."""
        self.path = path
        self.target = target
        self.package = own_package(path)
        self._tree = tree
        self._placements: Optional[Dict[Tuple[int, int], Placement]] = None
        self._release_modules: Set[str] = {"tf", "tensorflow", "keras", "tf_keras"}
        self._module_level: Dict[str, ast.AST] = {}
        self._release_bound: Dict[str, bool] = {}

    def _walked(self) -> Dict[Tuple[int, int], Placement]:
        if self._placements is None:  # walked on the first question a package does not answer
            self._placements = {}
            tree = self._tree() if callable(self._tree) else self._tree
            if tree is not None:
                self._scan_bindings(tree)
                self._walk(tree.body, _NOWHERE)
        return self._placements

    # -- the verdict ---------------------------------------------------------------------
    def placement(self, line: int, col: int) -> Placement:
        """Where the import statement starting at `line`, `col` (`ast`'s numbering: col is
        the UTF-8 byte offset) stands."""
        return self._walked().get((line, col), _NOWHERE)

    def own(self, imported: str) -> Optional[str]:
        """Why an import of `imported` is the file's own business (its own package), or None."""
        if self.package is not None and imported.split(".")[0] == self.package:
            return f"the file is part of the package {self.package}, which it imports"
        return None

    def reason(self, statement: Optional[ast.stmt], imported: str, broken: bool,
               raises: bool = True) -> Optional[str]:
        """Why the import of `imported` by `statement` is deliberate, or None (report it).

        `broken`: it fails (or is missing) on the target; `raises`: a failure of it is an
        ImportError (False where the import succeeds and binds a placeholder)."""
        own = self.own(imported)
        if own is not None or statement is None:
            return own
        where = self.placement(statement.lineno, statement.col_offset)
        if where.handled and raises:
            return f"its failure is handled ({where.handled})"
        if where.gated and broken:
            return f"in a branch gated on the release ({where.gated})"
        for primaries in where.fallback_for:
            if not any(_fails(module, name, self.target) for module, name in primaries):
                return (f"a fallback for {_spelled(primaries)}, which works on TF {self.target}: "
                        "it never runs there")
        return None

    # -- the walk ------------------------------------------------------------------------
    def _walk(self, body: Sequence[ast.stmt], where: Placement) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                if where is not _NOWHERE:
                    self._placements[(stmt.lineno, stmt.col_offset)] = where  # type: ignore[index]
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # a body runs when called, outside the try that defines it; a definition
                # made only in a branch or a dead handler exists only there
                self._walk(stmt.body, Placement(None, where.gated, where.fallback_for))
            elif isinstance(stmt, ast.ClassDef):
                self._walk(stmt.body, where)  # a class body runs where the class is defined
            elif isinstance(stmt, ast.If):
                self._walk_if(stmt, where)
            elif isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
                self._walk_try(stmt, where)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                suppressed = _suppresses_import_error(stmt)
                inner = Placement(suppressed or where.handled, where.gated, where.fallback_for)
                self._walk(stmt.body, inner if suppressed else where)
            elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
                self._walk(stmt.body, where)
                self._walk(stmt.orelse, where)
            elif isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    self._walk(case.body, where)

    def _walk_if(self, stmt: ast.If, where: Placement) -> None:
        gate = where.gated
        if gate is None and self._reads_release(stmt.test):
            gate = _source(stmt.test)
        inner = Placement(where.handled, gate, where.fallback_for) if gate else where
        self._walk(stmt.body, inner)
        self._walk(stmt.orelse, inner)  # an elif chain: a nested If, its test read there

    def _walk_try(self, stmt: ast.stmt, where: Placement) -> None:
        handlers = [h for h in stmt.handlers if _catches_import_error(h.type)]
        handled = any(not _leaves(h.body) for h in handlers)
        self._walk(stmt.body, Placement("except ImportError", where.gated, where.fallback_for)
                   if handled else where)
        primaries = tuple(pair for s in stmt.body for pair in _imported(s))
        for handler in stmt.handlers:
            if handler in handlers and primaries:
                self._walk(handler.body, Placement(where.handled, where.gated,
                                                   where.fallback_for + (primaries,)))
            else:
                self._walk(handler.body, where)
        self._walk(stmt.orelse, where)
        self._walk(stmt.finalbody, where)

    # -- does a test read the release? ---------------------------------------------------
    def _scan_bindings(self, tree: ast.Module) -> None:
        """Names bound to TensorFlow or Keras modules, and module-level names (functions,
        assignments) a test may read the release through."""
        for node in _statements(tree.body):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in _RELEASE_ROOTS:
                        self._release_modules.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                if node.module.split(".")[0] in _RELEASE_ROOTS:
                    self._release_modules.update(a.asname or a.name for a in node.names)
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._module_level[stmt.name] = stmt
            elif isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        self._module_level[target.id] = stmt.value

    def _reads_release(self, test: ast.AST, depth: int = 0) -> bool:
        for node in ast.walk(test):
            if isinstance(node, ast.Name):
                if node.id == "TYPE_CHECKING" or _RELEASE_NAME.search(node.id):
                    return True
                if depth < 2 and self._names_release(node.id, depth + 1):
                    return True
            elif isinstance(node, ast.Attribute):
                if node.attr == "TYPE_CHECKING" or _RELEASE_NAME.search(node.attr):
                    return True
                if node.attr in _RELEASE_ATTRIBUTES and _root(node) in self._release_modules:
                    return True
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value in _RELEASE_STRINGS:
                    return True
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("hasattr", "getattr") and node.args \
                    and _root(node.args[0]) in self._release_modules:
                return True  # a feature test of TensorFlow or Keras: a release test
        return False

    def _names_release(self, name: str, depth: int) -> bool:
        """A module-level name bound to something that reads the release (once per name)."""
        known = self._release_bound.get(name)
        if known is None:
            bound = self._module_level.get(name)
            self._release_bound[name] = False  # a name read while it is worked out: no
            known = bound is not None and self._defines_release(bound, depth)
            self._release_bound[name] = known
        return known

    def _defines_release(self, bound: ast.AST, depth: int) -> bool:
        if isinstance(bound, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return any(self._reads_release(n.value, depth) for n in ast.walk(bound)
                       if isinstance(n, ast.Return) and n.value is not None)
        return self._reads_release(bound, depth)


def _fails(module: str, name: Optional[str], target: str) -> bool:
    """The import fails on `target`, as far as the facts tell (unknown: it works). A private
    TensorFlow path by its history (the wheels' layout does not read private modules'
    members), anything else by the layout."""
    path = module if name is None else f"{module}.{name}"
    if apimap.is_private(path):
        existed = history.exists_in(path)
        return bool(existed) and target not in existed
    return import_failures.fails(module, name, target)


def _statements(body: Sequence[ast.stmt]) -> Iterable[ast.stmt]:
    """Every statement, nested ones too, without entering expressions."""
    for stmt in body:
        yield stmt
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from _statements(inner)
        for handler in getattr(stmt, "handlers", ()):
            yield from _statements(handler.body)
        for case in getattr(stmt, "cases", ()):
            yield from _statements(case.body)


def _root(node: ast.AST) -> Optional[str]:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _catches_import_error(kind: Optional[ast.expr]) -> bool:
    if kind is None:
        return True  # bare except:
    if isinstance(kind, ast.Tuple):
        return any(_catches_import_error(k) for k in kind.elts)
    name = kind.id if isinstance(kind, ast.Name) else \
        kind.attr if isinstance(kind, ast.Attribute) else None
    return name in _CATCHES_IMPORT_ERROR


def _leaves(body: Sequence[ast.stmt]) -> bool:
    """The handler ends by raising (or exiting): the failure is reworded, not handled."""
    last = body[-1] if body else None
    if isinstance(last, ast.Raise):
        return True
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        func = last.value.func
        name = func.id if isinstance(func, ast.Name) else \
            func.attr if isinstance(func, ast.Attribute) else None
        return name in _EXITS
    return False


def _suppresses_import_error(stmt: ast.stmt) -> Optional[str]:
    for item in stmt.items:
        call = item.context_expr
        if isinstance(call, ast.Call):
            func = call.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else None
            if name == "suppress" and any(_catches_import_error(a) for a in call.args):
                return "contextlib.suppress(ImportError)"
    return None


def _imported(stmt: ast.stmt) -> Iterable[Tuple[str, Optional[str]]]:
    """(module, name) pairs a try body's own import statement runs."""
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            yield alias.name, None
    elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
        for alias in stmt.names:
            yield stmt.module, None if alias.name == "*" else alias.name


def _spelled(primaries: Sequence[Tuple[str, Optional[str]]]) -> str:
    module, name = primaries[0]
    text = f"import {module}" if name is None else f"from {module} import {name}"
    return text + (f" (and {len(primaries) - 1} more)" if len(primaries) > 1 else "")


def _source(test: ast.AST) -> str:
    try:
        text = ast.unparse(test)
    except (ValueError, RecursionError):  # pragma: no cover - unparse of a parsed tree
        return "a release test"
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = ["DeliberateImports", "Placement", "imports_own_package", "own_package"]
