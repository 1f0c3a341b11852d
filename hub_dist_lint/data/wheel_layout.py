"""Read the import layout of one release from its wheels (for ``import_layout.json.gz``).

Used by ``generate_api_map`` (one run writes all the data). For the ``tensorflow-cpu``
wheel and the Keras wheels read with it (``KERAS`` there), statically:

* every module, package and plain directory under ``tensorflow/``, ``keras/`` and
  ``tf_keras/`` whose path components are identifiers (a directory with no Python
  file below it, such as ``tensorflow/include/...``, is recorded once as *opaque*);
* the ``__path__`` of every package whose ``__init__.py`` changes it, by evaluating
  the few idioms the wheels use (see ``PathEvaluator``); an ``if`` on anything else
  (``TF_USE_LEGACY_KERAS``) yields one variant per branch;
* the names each non-private module binds at import time (``bound_names``), and
  whether it may bind more at run time (module ``__getattr__``, ``globals()``,
  ``setattr`` with a computed name, a star import of a module not read).

The resolver that reads this is :mod:`hub_dist_lint.import_layout`; the generator
uses the same resolver on the layout it is building (``ReleaseLayout``).
"""

from __future__ import annotations

import ast
import zipfile
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from .. import import_layout
from . import protobuf_names

ROOT_PACKAGES = ("tensorflow", "keras", "tf_keras")
# Trees whose imports HDL1xx reports: their names are not recorded (their modules are).
PRIVATE_TREES = ("tensorflow.python", "tensorflow.core", "tensorflow.compiler",
                 "tensorflow.lite.python", "tensorflow.dtensor.python", "tensorflow.tsl",
                 "tensorflow.include", "keras.src", "tf_keras.src")
# ... except the Keras API trees TensorFlow 2.2-2.5 shipped inside tensorflow/python.
API_TREES_IN_PRIVATE = ("tensorflow.python.keras.api",)
MAX_VARIANTS = 8


def _dotted(member: str) -> Optional[Tuple[str, int]]:
    """zip member -> (dotted path, kind) for .py / extension modules, else None."""
    directory, _, base = member.rpartition("/")
    if base.endswith(".py"):
        stem = base[:-3]
    elif base.endswith(".so"):
        stem = base.split(".")[0]
    else:
        return None
    parts = directory.split("/") if directory else []
    if stem == "__init__":
        if not parts:
            return None
        return ".".join(parts), import_layout.PACKAGE
    return ".".join(parts + [stem]), import_layout.MODULE


def _identifiers(dotted: str) -> bool:
    return all(part.isidentifier() for part in dotted.split("."))


def _is_private(dotted: str) -> bool:
    if any(dotted == t or dotted.startswith(t + ".") for t in API_TREES_IN_PRIVATE):
        return False
    return any(dotted == t or dotted.startswith(t + ".") for t in PRIVATE_TREES)


class ReleaseLayout(import_layout.Layout):
    """The layout of one release being read from its wheels."""

    def __init__(self, wheels: Iterable[zipfile.ZipFile]):
        self.entries: Dict[str, int] = {}
        self.init_files: Dict[str, Tuple[zipfile.ZipFile, str]] = {}  # package -> its __init__.py
        self.module_files: Dict[str, Tuple[zipfile.ZipFile, str]] = {}
        self.paths: Dict[str, List[Tuple[str, ...]]] = {}
        self.bound: Dict[str, Tuple[FrozenSet[str], bool]] = {}
        self.read_roots: Set[str] = set()
        python_dirs: Set[str] = set()
        directories: Set[str] = set()
        for zf in wheels:
            for member in zf.namelist():
                top = member.split("/", 1)[0]
                if top not in ROOT_PACKAGES or "/" not in member:
                    continue
                self.read_roots.add(top)
                parts = member.split("/")[:-1]
                for k in range(1, len(parts) + 1):
                    directories.add(".".join(parts[:k]))
                found = _dotted(member)
                if found is None or not _identifiers(found[0]):
                    continue
                dotted, kind = found
                if kind == import_layout.PACKAGE or member.endswith(".py") or dotted not in self.entries:
                    self.entries[dotted] = self.entries.get(dotted, 0) | kind
                files = self.init_files if kind == import_layout.PACKAGE else self.module_files
                files[dotted] = (zf, member)
                parent = dotted if kind == import_layout.PACKAGE else dotted.rpartition(".")[0]
                while parent:
                    python_dirs.add(parent)
                    parent = parent.rpartition(".")[0]
        for directory in sorted(directories):
            if not _identifiers(directory):
                continue
            parent = directory.rpartition(".")[0]
            if parent and parent not in python_dirs:
                continue  # inside an opaque directory: recorded once, at its top
            kind = import_layout.DIRECTORY
            if directory not in python_dirs:
                kind |= import_layout.OPAQUE
            self.entries[directory] = self.entries.get(directory, 0) | kind

    # -- import_layout.Layout
    def entry(self, dotted: str) -> int:
        return self.entries.get(dotted, 0)

    def path_variants(self, package: str) -> List[Tuple[str, ...]]:
        return self.paths.get(package, [(package,)])

    def names(self, module: str):
        return self.bound.get(module)

    def roots(self) -> FrozenSet[str]:
        return frozenset(self.read_roots)

    # -- reading
    def source(self, dotted: str) -> Optional[str]:
        where = self.init_files.get(dotted) or self.module_files.get(dotted)
        if where is None or not where[1].endswith(".py"):
            return None
        zf, member = where
        return zf.read(member).decode("utf-8", "replace")

    def read(self) -> None:
        # __path__ first (in package depth order: a package's evaluation may look up
        # its parent's), then the names
        for package in sorted(self.init_files, key=lambda p: (p.count("."), p)):
            text = self.source(package)
            if text and "__path__" in text:
                try:
                    tree = ast.parse(text)
                except SyntaxError:
                    self.paths[package] = [(import_layout.UNREADABLE,)]
                    continue
                own = PathEvaluator(self, package).run(tree)
                earlier = self.paths.get(package, [])  # set from a parent package's __init__
                self.paths[package] = earlier + [v for v in own if v not in earlier]
        stars: Dict[str, List[str]] = {}
        for dotted in list(self.init_files) + list(self.module_files):
            if _is_private(dotted) or dotted in self.bound:
                continue
            text = self.source(dotted)
            if text is None:
                continue
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue
            names, dynamic, star_sources = bound_names(tree, dotted, dotted in self.init_files)
            if names is None:
                continue
            self.bound[dotted] = (frozenset(names), dynamic)
            if star_sources:
                stars[dotted] = star_sources
        self._resolve_stars(stars)

    def _resolve_stars(self, stars: Dict[str, List[str]]) -> None:
        """A star import binds the source's public names (its ``__all__`` if literal)."""
        for _ in range(3):  # chains of star imports
            for dotted, sources in stars.items():
                names, dynamic = self.bound[dotted]
                names = set(names)
                for source in sources:
                    got = self.bound.get(source) or self.bound.get(_file_of(self, source))
                    if got is None:
                        dynamic = True
                        continue
                    names |= {n for n in got[0] if not n.startswith("_")}
                    dynamic = dynamic or got[1]
                self.bound[dotted] = (frozenset(names), dynamic)

    def to_json(self) -> dict:
        return {"entries": self.entries, "roots": sorted(self.read_roots),
                "paths": {p: [list(v) for v in vs] for p, vs in sorted(self.paths.items())
                          if vs != [(p,)]},
                "names": {m: {"names": sorted(n), "dynamic": d}
                          for m, (n, d) in sorted(self.bound.items())}}


def _file_of(lay: ReleaseLayout, dotted: str) -> Optional[str]:
    res = import_layout.resolve_with(lay, dotted)
    if res.status == import_layout.OK and len(res.found) == 1:
        return res.found[0].file
    return None


# ---------------------------------------------------------------------------
# names a module binds


def absolute_module(node: ast.ImportFrom, module: str, is_package: bool) -> Optional[str]:
    """The module a `from ... import` reads, relative imports resolved against `module`."""
    if not node.level:
        return node.module
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def assigned_names(node, out) -> None:
    """Add the names an assignment target binds (`a`, `a, (b, *c)`) to the list or set `out`."""
    if isinstance(node, ast.Name):
        (out.add if isinstance(out, set) else out.append)(node.id)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            assigned_names(element, out)
    elif isinstance(node, ast.Starred):
        assigned_names(node.value, out)


def _is_current_module(node) -> bool:
    """`_sys.modules[__name__]` / `sys.modules[__name__]` / a name bound to it (heuristic)."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name):
        return node.slice.id == "__name__"
    return isinstance(node, ast.Name) and node.id in ("_current_module", "_CURRENT_MODULE")


def _modules_names(tree: ast.Module) -> Set[str]:
    """Local names of `sys.modules`: `from sys import modules [as m]`."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "sys":
            found.update(a.asname or a.name for a in node.names if a.name == "modules")
    return found


def _is_sys_modules(node, local: Set[str]) -> bool:
    chain = node.attr if isinstance(node, ast.Attribute) else None
    if chain == "modules" and isinstance(node.value, ast.Name) and node.value.id in ("sys", "_sys"):
        return True
    return isinstance(node, ast.Name) and node.id in local


def replaces_itself(tree: ast.Module) -> bool:
    """The module puts another object in its own place in ``sys.modules`` (other than
    TensorFlow's TFModuleWrapper around itself): ``sys.modules[__name__] = other``, or a
    function doing ``modules[key] = ...`` that the module calls with ``__name__`` as
    that key (TF Lite's ``_pywrap_*`` shims). What importers see is then not what the
    module's own statements bind."""
    local = _modules_names(tree)
    keyed_by = {}  # function -> index of the parameter used as a sys.modules key
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (isinstance(target, ast.Subscript) and _is_sys_modules(target.value, local)):
            continue
        if isinstance(target.slice, ast.Name) and target.slice.id == "__name__":
            if not _wrapper_call(node.value):
                return True
        elif isinstance(target.slice, ast.Name):
            for fn in ast.walk(tree):
                if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                        any(n is node for n in ast.walk(fn)):
                    params = [a.arg for a in fn.args.args]
                    if target.slice.id in params:
                        keyed_by[fn.name] = params.index(target.slice.id)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in keyed_by:
            index = keyed_by[node.func.id]
            if len(node.args) > index and isinstance(node.args[index], ast.Name) and \
                    node.args[index].id == "__name__":
                return True
    return False


def _dict_keys(node) -> Optional[Set[str]]:
    if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                          for k in node.keys):
        return {k.value for k in node.keys}
    return None


def bound_names(tree: ast.Module, module: str, is_package: bool):
    """(names bound at import, may bind more at run time?, star-import sources); names
    is None when the module replaces itself in ``sys.modules`` with another object.

    Every branch of module-level if/try/with/for counts (a name bound in any branch
    may exist); function and class bodies do not run at import.
    """
    names: Set[str] = set()
    dynamic = False
    stars: List[str] = []
    dict_literals: Dict[str, Set[str]] = {}

    def visit(body):
        nonlocal dynamic
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
                if node.name == "__getattr__":
                    dynamic = True
                for child in ast.walk(node):  # `global x` in a function called at import
                    if isinstance(child, ast.Global):
                        names.update(child.names)
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                base = absolute_module(node, module, is_package)
                for alias in node.names:
                    if alias.name == "*":
                        if base:
                            stars.append(base)
                        else:
                            dynamic = True
                    else:
                        names.add(alias.asname or alias.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    assigned_names(target, names)
                    if isinstance(target, ast.Name) and "__getattr__" == target.id:
                        dynamic = True
                    if isinstance(target, ast.Name) and node.value is not None:
                        keys = _dict_keys(node.value)
                        if keys is not None:
                            dict_literals[target.id] = keys
                    if isinstance(target, ast.Subscript) and _is_current_module(target) and \
                            _wrapper_call(node.value):
                        # TFModuleWrapper(public_apis={...}) serves those names too
                        # (anything else in its place: replaces_itself)
                        dynamic = not _module_wrapper(node.value, dict_literals, names) or dynamic
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                assigned_names(node.target, names)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        assigned_names(item.optional_vars, names)
            dynamic = _expression_bindings(node, names) or dynamic
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    visit(inner)
            for handler in getattr(node, "handlers", ()) or ():
                visit(handler.body)
            for case in getattr(node, "cases", ()) or ():
                visit(case.body)

    visit(tree.body)
    if module.endswith("_pb2"):
        names |= protobuf_names.descriptor_names(tree)
    if replaces_itself(tree):
        return None, True, []
    return names, dynamic, stars


def _expression_bindings(statement, names: Set[str]) -> bool:
    """Add what expressions in a statement bind (`(x := ...)`, `setattr(this_module,
    "x", ...)`); True if one binds a name that cannot be read (`globals().update`)."""
    dynamic = False
    for child in ast.walk(statement):
        if isinstance(child, ast.NamedExpr):
            assigned_names(child.target, names)
        if _writes_namespace(child):
            dynamic = True
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and \
                child.func.id == "setattr" and len(child.args) >= 2 and \
                _is_current_module(child.args[0]):
            attr = child.args[1]
            if isinstance(attr, ast.Constant) and isinstance(attr.value, str):
                names.add(attr.value)
            else:
                dynamic = True
    return dynamic


def _namespace_call(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
        node.func.id in ("globals", "vars", "locals")


def _writes_namespace(node) -> bool:
    """`globals().update(...)`, `globals()[k] = v`, `exec(...)`: names bound at run time."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id in ("exec", "eval"):
        return True
    if isinstance(node, ast.Attribute) and _namespace_call(node.value):
        return node.attr in ("update", "setdefault", "__setitem__")
    return isinstance(node, ast.Subscript) and _namespace_call(node.value) and \
        isinstance(node.ctx, ast.Store)


def _wrapper_call(value) -> bool:
    """`TFModuleWrapper(...)`, which TensorFlow's API files put in their own place."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, (ast.Attribute, ast.Name))):
        return False
    func = value.func.attr if isinstance(value.func, ast.Attribute) else value.func.id
    return func == "TFModuleWrapper"


def _module_wrapper(value, dict_literals: Dict[str, Set[str]], names: Set[str]) -> bool:
    """`sys.modules[__name__] = TFModuleWrapper(module, name, public_apis=...)`: True if
    the wrapper serves only the module's own names (plus a literal public_apis dict)."""
    if not _wrapper_call(value):
        return False
    for keyword in value.keywords:
        if keyword.arg == "public_apis":
            if isinstance(keyword.value, ast.Constant) and keyword.value.value is None:
                continue
            keys = _dict_keys(keyword.value)
            if keys is None and isinstance(keyword.value, ast.Name):
                keys = dict_literals.get(keyword.value.id)
            if keys is None:
                return False
            names |= keys
    return True


# ---------------------------------------------------------------------------
# __path__


class _Unknown:
    pass


UNKNOWN_VALUE = _Unknown()


class PathEvaluator:
    """Evaluates the ``__path__`` idioms of one package's ``__init__.py``.

    Values: ("str", s), ("dir", dotted directory), ("ext", dotted dir, child) for a
    directory of a package outside the wheels read, ("module", dotted), ("file",
    dotted module), ("current",) for ``sys.modules[__name__]``, ("paths", tuple);
    anything else is unknown. Understood: string constants; ``import``/``from``
    bindings; ``_module_util.get_parent_dir_for_name("a.b.c")`` (directory ``a/b``);
    ``_module_util.get_parent_dir(module)``; ``os.path.dirname`` / ``os.path.join``;
    ``X.__file__``, ``__file__``; list literals and ``+``; ``__path__.append(x)``;
    ``[X.]__path__ = ...`` (a submodule's ``__path__`` too). An ``if`` whose test is
    not ``hasattr(.., "__path__")``, ``x [not] in __path__`` or a directory value
    forks the evaluation; ``try`` bodies run (handlers do not).
    """

    def __init__(self, lay: ReleaseLayout, package: str):
        self.lay = lay
        self.package = package

    def run(self, tree: ast.Module) -> List[Tuple[str, ...]]:
        start = ({}, {self.package: (self.package,)})
        states = self._block(tree.body, [start])
        variants: List[Tuple[str, ...]] = []
        for _, paths in states:
            for owner, path in paths.items():
                if owner != self.package:
                    # a submodule's __path__ changed from here (`_current_module.nn.__path__`)
                    self._foreign(owner, path)
            variant = paths[self.package]
            if variant not in variants:
                variants.append(variant)
        return variants

    def _foreign(self, owner: str, path: Tuple[str, ...]) -> None:
        known = self.lay.paths.setdefault(owner, [])
        if path not in known:
            known.append(path)

    # -- statements
    def _block(self, body, states):
        for node in body:
            states = self._statement(node, states)
            if len(states) > MAX_VARIANTS:
                states = states[:MAX_VARIANTS]
        return states

    def _statement(self, node, states):
        if isinstance(node, ast.If):
            out = []
            for state in states:
                test = self._truth(node.test, state)
                if test is not False:
                    out += self._block(node.body, [self._copy(state)])
                if test is not True:
                    out += self._block(node.orelse, [self._copy(state)])
            return _dedupe(out)
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            return self._block(node.body + node.orelse + node.finalbody, states)
        if isinstance(node, (ast.With, ast.AsyncWith)):
            return self._block(node.body, states)
        for state in states:
            self._simple(node, state)
        return states

    @staticmethod
    def _copy(state):
        return dict(state[0]), dict(state[1])

    def _simple(self, node, state) -> None:
        env, paths = state
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    env[alias.asname] = ("module", alias.name)
                else:
                    env[alias.name.split(".")[0]] = ("module", alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            base = absolute_module(node, self.package, True)
            for alias in node.names:
                if alias.name != "*" and base:
                    env[alias.asname or alias.name] = self._imported(base, alias.name, state)
        elif isinstance(node, ast.Assign):
            value = self._value(node.value, state)
            for target in node.targets:
                owner = self._path_owner(target, state)
                if owner is not None:
                    paths[owner] = value[1] if value[0] == "paths" else (import_layout.UNREADABLE,)
                elif isinstance(target, ast.Name):
                    env[target.id] = value
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Attribute) and func.attr in ("append", "insert", "extend"):
                owner = self._path_owner(func.value, state)
                if owner is not None:
                    args = node.value.args
                    path = self._current_path(owner, paths)
                    item = self._entry(self._value(args[-1], state)) if args else import_layout.UNREADABLE
                    if func.attr == "append":
                        paths[owner] = path + (item,)
                    elif func.attr == "insert" and _constant(args[0]) == 0:
                        paths[owner] = (item,) + path
                    else:
                        paths[owner] = path + (import_layout.UNREADABLE,)

    def _imported(self, base: str, name: str, state):
        if base == self.package and name in state[0]:
            return state[0][name]
        full = f"{base}.{name}"
        if base == self.package:
            # looked up on the package's __path__ as it is at this point
            for directory in self._current_path(self.package, state[1]):
                got = import_layout.find_in(self.lay, (directory,), name)
                if isinstance(got, import_layout.Found):
                    return ("module", got.file)
        return ("module", full)

    def _current_path(self, owner: str, paths) -> Tuple[str, ...]:
        if owner in paths:
            return paths[owner]
        return tuple(self.lay.paths.get(owner, [(owner,)])[0])

    def _path_owner(self, node, state) -> Optional[str]:
        """Whose `__path__` an expression is: the package's own, or a submodule's."""
        if isinstance(node, ast.Name) and node.id == "__path__":
            return self.package
        if isinstance(node, ast.Attribute) and node.attr == "__path__":
            owner = self._value(node.value, state)
            if owner == ("current",):
                return self.package
            if owner[0] == "module":
                return owner[1]
        return None

    # -- expressions
    def _truth(self, test, state):
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self._truth(test.operand, state)
            return None if inner is None else not inner
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and \
                test.func.id == "hasattr" and len(test.args) == 2 and \
                _constant(test.args[1]) == "__path__":
            return True
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and \
                self._path_owner(test.comparators[0], state) is not None:
            return isinstance(test.ops[0], ast.NotIn)
        value = self._value(test, state)
        if value is not UNKNOWN_VALUE and value[0] in ("dir", "ext"):
            return True
        return None

    def _value(self, node, state):
        env, paths = state
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return ("str", node.value)
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return ("file", self.package)
            if node.id == "__path__":
                return ("paths", self._current_path(self.package, paths))
            return env.get(node.id, UNKNOWN_VALUE)
        if isinstance(node, ast.Subscript) and _is_current_module(node):
            return ("current",)
        if isinstance(node, ast.Attribute):
            if node.attr == "__path__":
                owner = self._path_owner(node, state)
                return ("paths", self._current_path(owner, paths)) if owner else UNKNOWN_VALUE
            base = self._value(node.value, state)
            if base is UNKNOWN_VALUE:
                return UNKNOWN_VALUE
            if node.attr == "__file__" and base[0] == "module":
                return ("file", base[1])
            if base == ("current",):
                return env.get(node.attr, UNKNOWN_VALUE)
            if base[0] == "module":
                return ("module", f"{base[1]}.{node.attr}")
            return UNKNOWN_VALUE
        if isinstance(node, ast.List):
            return ("paths", tuple(self._entry(self._value(e, state)) for e in node.elts))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self._value(node.left, state), self._value(node.right, state)
            if left is not UNKNOWN_VALUE and right is not UNKNOWN_VALUE and \
                    left[0] == right[0] == "paths":
                return ("paths", left[1] + right[1])
            return UNKNOWN_VALUE
        if isinstance(node, ast.Call):
            return self._call(node, state)
        return UNKNOWN_VALUE

    def _call(self, node: ast.Call, state):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        args = [self._value(a, state) for a in node.args]
        if name == "get_parent_dir_for_name" and args and args[0] is not UNKNOWN_VALUE \
                and args[0][0] == "str":
            parts = args[0][1].split(".")
            return self._directory(".".join(parts[:-1]), parts[-1])
        if name == "get_parent_dir" and args and args[0] is not UNKNOWN_VALUE \
                and args[0][0] == "module":
            module = args[0][1]
            parent = module.rpartition(".")[0]
            if not self.lay.entry(module) & import_layout.PACKAGE and self._read(module):
                parent = parent.rpartition(".")[0]  # a plain module: dirname(file)/..
            return self._directory(parent, module.rpartition(".")[2])
        if name == "dirname" and len(args) == 1 and args[0] is not UNKNOWN_VALUE:
            kind = args[0][0]
            if kind == "file":
                module = args[0][1]
                if self.lay.entry(module) & import_layout.PACKAGE or not self._read(module):
                    return self._directory(module, None)
                return self._directory(module.rpartition(".")[0], None)
            if kind == "dir":
                return self._directory(args[0][1].rpartition(".")[0], None)
        if name == "join" and len(args) == 2 and args[0] is not UNKNOWN_VALUE and \
                args[1] is not UNKNOWN_VALUE and args[0][0] == "dir" and args[1][0] == "str":
            return self._directory(f"{args[0][1]}.{args[1][1]}", None)
        return UNKNOWN_VALUE

    def _read(self, dotted: str) -> bool:
        return dotted.split(".")[0] in self.lay.read_roots

    def _directory(self, dotted: str, child: Optional[str]):
        if not dotted:
            return UNKNOWN_VALUE
        if self._read(dotted):
            return ("dir", dotted)
        if child is None:
            return UNKNOWN_VALUE
        return ("ext", dotted, child)

    @staticmethod
    def _entry(value) -> str:
        if value is UNKNOWN_VALUE:
            return import_layout.UNREADABLE
        if value[0] == "dir":
            return value[1]
        if value[0] == "ext":
            return f"{import_layout.EXTERNAL}{value[1]}:{value[2]}"
        return import_layout.UNREADABLE


def _constant(node):
    return node.value if isinstance(node, ast.Constant) else None


def _dedupe(states):
    out, seen = [], []
    for state in states:
        key = (sorted(state[0].items(), key=repr), sorted(state[1].items()))
        if key not in seen:
            seen.append(key)
            out.append(state)
    return out
