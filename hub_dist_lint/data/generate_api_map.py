"""Generate the TensorFlow public <-> private API map shipped with hub-dist-lint.

Run as ``python -m hub_dist_lint.data.generate_api_map`` (or as a script).

What it reads
-------------
For every TensorFlow minor release 2.2 ... 2.21 (latest patch, see ``RELEASES``)
the ``tensorflow-cpu`` wheel, plus the packages that hold ``tf.keras`` once it
moved out of TensorFlow (``keras`` 2.6-2.15; ``tf-keras`` of the same minor and a
Keras 3 release for 2.16-2.21, see ``KERAS``).  Wheels are fetched with
``pip download --no-deps`` into ``--wheel-dir`` (default
``~/.cache/hub-dist-lint/wheels``; re-used when present) and read *statically*
with ``zipfile`` + ``ast``.  TensorFlow is never imported, nothing is installed.

1. Generated API files.  ``tensorflow/_api/v2/**/__init__.py`` plus the root
   file (``tensorflow/_api/v2/v2.py``; ``_api/v2/__init__.py`` or
   ``tensorflow/__init__.py`` if that is empty/missing) map to public modules
   (``.../distribute/__init__.py`` -> ``tf.distribute``, root -> ``tf``).  Each
   top-level ``from <home module> import Name [as Public]`` whose module is not
   an API module itself (``tensorflow._api``, ``keras.api``, relative ...) is an
   export ``tf.<module>.<Public>`` -> ``<home module>.Name``.  ``tf.compat.v2.*``
   (and ``tf.compat.v1.compat.*``) duplicate other names and are dropped.
   Keras API files (``tensorflow/python/keras/api/_v{1,2}/keras`` for 2.2-2.5,
   ``keras/api/_v{1,2}/keras``, ``tf_keras/api/_v{1,2}/keras``,
   ``keras/_tf_keras/keras``) map to ``tf.keras.*`` / ``tf.compat.v1.keras.*``.
2. Every module of the private trees HDL1xx reports (``tensorflow/python``,
   ``core``, ``compiler``, ``lite/python``, ``dtensor/python``, ``tsl``) and every
   ``*_pb2.py``, parsed with ``ast`` (files that fail to parse are skipped and
   counted): top-level names it defines (def/class/assignment targets) and its
   re-export aliases (module-level ``from tensorflow.x import y [as z]``,
   ``import tensorflow.x as z``, star imports, ``Name = alias.Attr``,
   ``Name = OtherLocalName``, ``a = b = c``, ``Name = tf_export(...)(value)``).
   Bindings are resolved as TensorFlow 2 runs them: ``if tf2.enabled(): X = XV2
   else: X = XV1`` takes the first branch (tensorflow/__init__.py enables TF 2
   behaviour), and what a module TensorFlow's API files import from does to
   another module while it is imported (``execute.record_gradient = ...``,
   ``variable_scope.set_variable_v1(VariableV1)`` through a one-line setter)
   rebinds that module's name. The messages, enums and descriptors newer protoc
   output binds at run time are read from the serialized descriptor in the
   ``*_pb2.py`` file (``protobuf_names.py``). A name bound to an object outside
   TensorFlow (``X = np.float32``) is kept as an alias only where an exported name
   is the same object. A module that puts another object in its own place in
   ``sys.modules`` (TF Lite's ``_pywrap_*`` shims) is left out: importers never
   see its statements' names.
3. "Counterparts": an unexported top-level function ``M.f`` whose name equals
   the last component of a public name exported from ``M'.g`` where ``M'`` is
   ``M`` or a module ``M`` imports, ``g`` is a variant of ``f`` (starts with
   ``f`` but differs) and both take the same first parameter (e.g.
   ``ops.convert_to_tensor`` vs ``tf.convert_to_tensor`` =
   ``ops.convert_to_tensor_v2``), with both parameter lists.

What it writes (next to this file)
----------------------------------
* ``api_map.json.gz``: everything the linter needs (exports, public modules,
  module list, alias table, counterparts).
* ``symbol_history.json.gz``: per-release history of top-level names defined in
  the modules of step 2 and of module paths (for ``explain``).
* ``import_layout.json.gz``: per release, the modules, packages and directories
  of the wheels, the ``__path__`` their packages set up and the names non-private
  modules bind (``wheel_layout.py``), for judging whether an import works
  (:mod:`hub_dist_lint.import_layout`).

Release sets are stored as int bitmasks: bit ``i`` = ``releases[i]``.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

try:
    from . import protobuf_names, wheel_layout
    from .attribute_chains import name_chain
    from ..apimap import preference_key  # the one preference order (a pure function)
except ImportError:  # run as a script
    from hub_dist_lint.data import protobuf_names, wheel_layout
    from hub_dist_lint.data.attribute_chains import name_chain
    from hub_dist_lint.apimap import preference_key

FORMAT_VERSION = 1

# minor release -> (tensorflow-cpu version, python version for `pip download`)
RELEASES = [
    ("2.2", "2.2.3", "3.8"),
    ("2.3", "2.3.4", "3.8"),
    ("2.4", "2.4.4", "3.8"),
    ("2.5", "2.5.3", "3.9"),
    ("2.6", "2.6.5", "3.9"),
    ("2.7", "2.7.4", "3.9"),
    ("2.8", "2.8.4", "3.10"),
    ("2.9", "2.9.3", "3.10"),
    ("2.10", "2.10.1", "3.10"),
    ("2.11", "2.11.1", "3.10"),
    ("2.12", "2.12.1", "3.11"),
    ("2.13", "2.13.1", "3.11"),
    ("2.14", "2.14.1", "3.11"),
    ("2.15", "2.15.1", "3.11"),
    ("2.16", "2.16.2", "3.11"),
    ("2.17", "2.17.1", "3.11"),
    ("2.18", "2.18.1", "3.11"),
    ("2.19", "2.19.1", "3.11"),
    ("2.20", "2.20.0", "3.11"),
    ("2.21", "2.21.0", "3.11"),
]

# Packages holding tf.keras when it is not inside the TensorFlow wheel.  For
# 2.16+ both tf-keras (TF_USE_LEGACY_KERAS=1) and Keras 3 (the default) are
# read; the Keras 3 release is one satisfying that TF release's
# `Requires-Dist: keras>=...` that was current around it.
KERAS = {
    "2.6": [("keras", "2.6.0")],
    "2.7": [("keras", "2.7.0")],
    "2.8": [("keras", "2.8.0")],
    "2.9": [("keras", "2.9.0")],
    "2.10": [("keras", "2.10.0")],
    "2.11": [("keras", "2.11.0")],
    "2.12": [("keras", "2.12.0")],
    "2.13": [("keras", "2.13.1")],
    "2.14": [("keras", "2.14.0")],
    "2.15": [("keras", "2.15.0")],
    "2.16": [("tf-keras", "2.16.0"), ("keras", "3.3.3")],
    "2.17": [("tf-keras", "2.17.0"), ("keras", "3.5.0")],
    "2.18": [("tf-keras", "2.18.0"), ("keras", "3.6.0")],
    "2.19": [("tf-keras", "2.19.0"), ("keras", "3.9.2")],
    "2.20": [("tf-keras", "2.20.1"), ("keras", "3.10.0")],
    "2.21": [("tf-keras", "2.21.0"), ("keras", "3.15.1")],
}

PLATFORMS = [
    "manylinux2010_x86_64",
    "manylinux2014_x86_64",
    "manylinux_2_17_x86_64",
    "manylinux_2_27_x86_64",
]

DEFAULT_WHEEL_DIR = Path("~/.cache/hub-dist-lint/wheels").expanduser()
OUT_DIR = Path(__file__).resolve().parent

# zip path prefix of a generated API tree -> public name of its root
TF_API_ROOT = "tensorflow/_api/v2/"
KERAS_API_ROOTS = [
    ("keras/api/_v2/keras/", "tf.keras"),
    ("keras/api/_v1/keras/", "tf.compat.v1.keras"),
    ("tf_keras/api/_v2/keras/", "tf.keras"),
    ("tf_keras/api/_v1/keras/", "tf.compat.v1.keras"),
    ("keras/_tf_keras/keras/", "tf.keras"),
    ("keras/api/_tf_keras/keras/", "tf.keras"),
]
TF_INTERNAL_KERAS_ROOTS = [
    ("tensorflow/python/keras/api/_v2/keras/", "tf.keras"),
    ("tensorflow/python/keras/api/_v1/keras/", "tf.compat.v1.keras"),
]
# Imports from these modules inside API files link API modules, not symbols.
API_MODULE_PREFIXES = (
    "tensorflow._api",
    "tensorflow.python.keras.api",
    "keras.api",
    "keras._tf_keras",
    "tf_keras.api",
    "tensorflow_estimator",
    "tensorboard",
)
KERAS_ALIAS_MODULES = ("losses", "metrics", "optimizers", "initializers")
# Private trees whose modules are scanned for names (the roots HDL1xx reports; any
# *_pb2.py module is read too, for its descriptor).
SCANNED_TREES = tuple(t.replace(".", "/") + "/" for t in wheel_layout.PRIVATE_TREES
                      if t.startswith("tensorflow.") and t != "tensorflow.include")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# wheels


def _dist_prefix(name: str, version: str) -> str:
    return f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}-"


def ensure_wheel(name: str, version: str, pyver: str | None, wheel_dir: Path) -> Path:
    """Return the path of ``name==version``'s wheel, downloading it if needed."""
    prefix = _dist_prefix(name, version)
    found = sorted(p for p in wheel_dir.glob("*.whl") if p.name.lower().startswith(prefix))
    if found:
        return found[0]
    wheel_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "-d", str(wheel_dir), f"{name}=={version}"]
    if pyver:
        cmd += ["--python-version", pyver]
        for plat in PLATFORMS:
            cmd += ["--platform", plat]
    log("downloading:", " ".join(cmd[3:]))
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    found = sorted(p for p in wheel_dir.glob("*.whl") if p.name.lower().startswith(prefix))
    if not found:
        raise RuntimeError(f"pip download did not produce a wheel for {name}=={version}")
    return found[0]


# --------------------------------------------------------------------------
# API files


def _is_api_module(mod: str) -> bool:
    return any(mod == p or mod.startswith(p + ".") for p in API_MODULE_PREFIXES)


def _public_ok(last: str) -> bool:
    return not last.startswith("_") or (last.startswith("__") and last.endswith("__"))


def _drop_public_module(public_mod: str) -> bool:
    parts = public_mod.split(".")
    if len(parts) >= 3 and parts[1] == "compat":
        if parts[2] == "v2":
            return True
        if parts[2] == "v1" and len(parts) >= 4 and parts[3] == "compat":
            return True
    return False


def scan_api_file(text: str, public_mod: str, exports: list, stats: dict) -> None:
    """Record ``(public, home)`` pairs of one generated API file."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        stats["api_parse_failures"] += 1
        return
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level or not node.module or _is_api_module(node.module):
            continue
        if node.module.split(".")[0] in ("__future__", "sys", "os"):
            continue
        for a in node.names:
            if a.name == "*":
                continue
            last = a.asname or a.name
            if not _public_ok(last):
                continue
            exports.append((f"{public_mod}.{last}", f"{node.module}.{a.name}"))


def scan_api_tree(zf: zipfile.ZipFile, names: list, prefix: str, public_root: str,
                  exports: list, public_modules: set, stats: dict) -> None:
    for n in names:
        if not n.startswith(prefix) or not n.endswith("/__init__.py"):
            continue
        rel = n[len(prefix):-len("__init__.py")].strip("/")
        public_mod = public_root + ("." + rel.replace("/", ".") if rel else "")
        if _drop_public_module(public_mod):
            continue
        public_modules.add(public_mod)
        stats["api_files"] += 1
        scan_api_file(zf.read(n).decode("utf-8", "replace"), public_mod, exports, stats)


def tf_root_file(zf: zipfile.ZipFile, names: set) -> tuple[str, str]:
    for cand in ("tensorflow/_api/v2/v2.py", "tensorflow/_api/v2/__init__.py", "tensorflow/__init__.py"):
        if cand in names:
            text = zf.read(cand).decode("utf-8", "replace")
            if "import" in text:
                return cand, text
    raise RuntimeError("no TensorFlow API root file found")


# --------------------------------------------------------------------------
# tensorflow/python/** modules


def fn_params(fn) -> dict:
    a = fn.args
    return {
        "args": [x.arg for x in a.posonlyargs + a.args],
        "posonly": len(a.posonlyargs),
        "ndefaults": len(a.defaults),
        "kwonly": [x.arg for x in a.kwonlyargs],
        "kwonly_required": [x.arg for x, d in zip(a.kwonlyargs, a.kw_defaults) if d is None],
        "varargs": a.vararg is not None,
        "varkw": a.kwarg is not None,
        # source text of the default values (args and kwonly), so a fixer can
        # also check that omitted arguments default the same way
        "defaults": {x.arg: ast.unparse(d) for x, d in zip(
            (a.posonlyargs + a.args)[len(a.posonlyargs + a.args) - len(a.defaults):], a.defaults)},
        "kwonly_defaults": {x.arg: ast.unparse(d) for x, d in zip(a.kwonlyargs, a.kw_defaults)
                            if d is not None},
    }


def _tf2_switch(test, aliases: dict):
    """True for `tf2.enabled()`, False for `not tf2.enabled()` (tf2 being the module
    tensorflow.python.tf2), else None."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    call = test.operand if negated else test
    if not (isinstance(call, ast.Call) and not call.args):
        return None
    chain = name_chain(call.func)
    if not chain or len(chain) != 2 or chain[1] != "enabled":
        return None
    if aliases.get(chain[0]) != "tensorflow.python.tf2":
        return None
    return not negated


def _setter_global(fn) -> str | None:
    """`def set_x(v): global _x; [if not _x:] _x = v` (a setter other modules call at
    import) -> "_x"."""
    params = fn.args.args
    if len(params) != 1 or fn.args.vararg or fn.args.kwarg or fn.args.kwonlyargs:
        return None
    declared, assigned = set(), set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Global):
            declared.update(node.names)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) != 1 or not isinstance(targets[0], ast.Name) or \
                    not (isinstance(node.value, ast.Name) and node.value.id == params[0].arg):
                return None
            assigned.add(targets[0].id)
        elif isinstance(node, ast.stmt) and not isinstance(
                node, (ast.FunctionDef, ast.If, ast.Expr, ast.Pass, ast.Return, ast.Raise)):
            return None
    if len(assigned) == 1 and assigned <= declared:
        return assigned.pop()
    return None


def _exported_value(node):
    """`tf_export("a.B")(value)` returns value itself: the value node, else None."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords and \
            isinstance(node.func, ast.Call):
        chain = name_chain(node.func.func)
        if chain and chain[-1] == "tf_export":
            return node.args[0]
    return None


class ModuleScan:
    """Top-level defs, function signatures and re-export aliases of one module.

    Besides bindings in the module itself it records what the module does to other
    modules at import time, applied by ``analyse_release``: ``other.attr = value``
    (``patches``) and ``other.set_x(value)`` calls of setters (``setter_calls``).
    ``externals`` are names bound to objects outside TensorFlow (``from numpy import
    float32``, ``X = np.float32``), kept in the map only where a public name is
    the same object.
    """

    def __init__(self, modname: str, is_pkg: bool):
        self.modname = modname
        self.is_pkg = is_pkg
        self.defs: set = set()
        self.funcs: dict = {}
        self.aliases: dict = {}
        self.others: set = set()   # bound by imports from outside tensorflow
        self.ambiguous: set = set()
        self.bind_seq: dict = {}   # name -> statement number of its last binding
        self.seq = 0
        self.stars: list = []
        self.all_names = None
        self.ext_heads: dict = {}  # local name -> dotted module/object outside tensorflow
        self.externals: dict = {}
        self.setters: dict = {}    # setter function -> the global it sets
        self.patches: list = []    # (module alias target, attribute, value target)
        self.setter_calls: list = []

    def result(self) -> dict:
        others = (self.others | self.ambiguous) - set(self.aliases) - self.defs
        return {"defs": self.defs, "funcs": self.funcs, "aliases": self.aliases,
                "others": others, "stars": self.stars, "all": self.all_names,
                "bind_seq": self.bind_seq, "setters": self.setters, "patches": self.patches,
                "setter_calls": self.setter_calls,
                "externals": {n: t for n, t in self.externals.items()
                              if n not in self.aliases and n not in self.ambiguous}}

    def _bind_other(self, name):
        self.aliases.pop(name, None)
        self.externals.pop(name, None)


    def _value_target(self, chain, exclude=()):
        """Dotted target of an attribute chain: (target, external?) or (None, False)."""
        if not chain:
            return None, False
        head = chain[0]
        if head in self.aliases:
            return ".".join([self.aliases[head]] + chain[1:]), False
        if head in self.defs and head not in exclude:
            return ".".join([self.modname] + chain), False
        if head in self.ext_heads:
            return ".".join([self.ext_heads[head]] + chain[1:]), True
        return None, False

    def visit(self, body):
        for node in body:
            self.seq += 1
            self._sequence(node)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.defs.add(node.name)
                self.funcs[node.name] = fn_params(node)
                self._bind_other(node.name)
                setter = _setter_global(node)
                if setter:
                    self.setters[node.name] = setter
            elif isinstance(node, ast.ClassDef):
                self.defs.add(node.name)
                self.funcs.pop(node.name, None)
                self._bind_other(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                self._assign(node)
            elif isinstance(node, ast.Import):
                self._import(node)
            elif isinstance(node, ast.ImportFrom):
                self._import_from(node)
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                self._call(node.value)
            elif isinstance(node, ast.If) and _tf2_switch(node.test, self.aliases) is not None:
                # `if tf2.enabled(): X = XV2 else: X = XV1`: TF 2 mode, as
                # tensorflow/__init__.py sets it (enable_v2_behavior), takes one branch
                self.visit(node.body if _tf2_switch(node.test, self.aliases) else node.orelse)
            elif isinstance(node, ast.If):
                self._if(node)
            elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
                for h in node.handlers:
                    self.visit(h.body)
                self.visit(node.body)
                self.visit(node.orelse)
                self.visit(node.finalbody)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                self.visit(node.body)

    def _sequence(self, node):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for al in node.names:
                self.bind_seq[(al.asname or al.name).split(".")[0]] = self.seq
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            tnames = []
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                wheel_layout.assigned_names(t, tnames)
            for n in tnames:
                self.bind_seq[n] = self.seq
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.bind_seq[node.name] = self.seq

    def _assign(self, node):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if isinstance(node, ast.AnnAssign) and node.value is None:
            return
        if len(targets) == 1 and isinstance(targets[0], ast.Attribute):
            chain = name_chain(targets[0])
            if chain and len(chain) == 2 and chain[0] in self.aliases:
                value, external = self._value_target(name_chain(node.value))
                if value and not external:
                    self.patches.append((self.aliases[chain[0]], chain[1], value))
            return
        names = []
        for t in targets:
            wheel_layout.assigned_names(t, names)
        self.defs.update(names)
        if not all(isinstance(t, ast.Name) for t in targets):
            for n in names:
                self._bind_other(n)
            return
        # `x = y = chain` binds every target to the same object
        own = [t.id for t in targets]
        value = _exported_value(node.value) or node.value
        for name in own:
            if name == "__all__" and isinstance(node.value, (ast.List, ast.Tuple)):
                self.all_names = [e.value for e in node.value.elts
                                  if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            chain = name_chain(value)
            target, external = self._value_target(chain, exclude=own)
            self._bind_other(name)
            if target and external:
                self.externals[name] = target
            elif target:
                self.aliases[name] = target
                self.funcs.pop(name, None)
            elif chain:
                self.funcs.pop(name, None)

    def _import(self, node):
        for a in node.names:
            local = a.asname or a.name.split(".")[0]
            if not a.name.startswith("tensorflow"):
                self.ext_heads[local] = a.name if a.asname else local
            if not a.asname:
                continue
            if a.name.startswith("tensorflow."):
                self.aliases[a.asname] = a.name
                self.others.discard(a.asname)
            else:
                self._bind_other(a.asname)
                self.others.add(a.asname)

    def _import_from(self, node):
        base = wheel_layout.absolute_module(node, self.modname, self.is_pkg)
        tf = bool(base) and (base == "tensorflow" or base.startswith("tensorflow."))
        for a in node.names:
            if a.name == "*":
                if tf:
                    self.stars.append((self.seq, base))
                continue
            local = a.asname or a.name
            if tf:
                self.aliases[local] = f"{base}.{a.name}"
                self.others.discard(local)
                self.ext_heads.pop(local, None)
            else:
                self._bind_other(local)
                self.others.add(local)
                if base:
                    self.ext_heads[local] = f"{base}.{a.name}"
                    self.externals[local] = f"{base}.{a.name}"

    def _call(self, call):
        """`other_module.set_x(value)` at import time."""
        chain = name_chain(call.func)
        if chain and len(chain) == 2 and chain[0] in self.aliases and len(call.args) == 1 \
                and not call.keywords:
            value, external = self._value_target(name_chain(call.args[0]))
            if value and not external:
                self.setter_calls.append((self.aliases[chain[0]], chain[1], value))

    def _if(self, node):
        # the body wins, except for names the two branches alias to
        # different things (e.g. version switches): those are ambiguous
        before = dict(self.aliases)
        self.visit(node.orelse)
        after_else = dict(self.aliases)
        self.aliases.clear()
        self.aliases.update(before)
        self.visit(node.body)
        for n in set(after_else) | set(self.aliases):
            a, b = after_else.get(n), self.aliases.get(n)
            if a != b and a != before.get(n):
                self.aliases.pop(n, None)
                self.ambiguous.add(n)


def apply_import_side_effects(pymods: dict, imported: set) -> None:
    """Rebind what modules do to other modules while TensorFlow imports.

    ``execute.record_gradient = record_gradient`` in backprop.py and
    ``variable_scope.set_variable_v1(VariableV1)`` in variable_v1.py rebind a name of
    another module: after ``import tensorflow`` that name is an alias of the value.
    Applied for modules in ``imported`` (those TensorFlow's API files import from,
    so ``import tensorflow`` runs them).
    """
    for mod in sorted(imported & set(pymods)):
        info = pymods[mod]
        effects = list(info["patches"])
        for target, setter, value in info["setter_calls"]:
            for _ in range(4):  # the setter may be re-exported (`package.set_x` -> its home)
                other = pymods.get(target, {})
                if setter in other.get("setters", {}) or setter not in other.get("aliases", {}):
                    break
                target, _, setter = other["aliases"][setter].rpartition(".")
            name = pymods.get(target, {}).get("setters", {}).get(setter)
            if name:
                effects.append((target, name, value))
        for target, name, value in effects:
            other = pymods.get(target)
            if other is None or value == f"{target}.{name}":
                continue
            other["aliases"][name] = value
            other["others"].discard(name)
            other["externals"].pop(name, None)
            other["funcs"].pop(name, None)


def scan_module(modname: str, is_pkg: bool, tree) -> dict:
    """Top-level defs, function signatures and re-export aliases of a module."""
    scan = ModuleScan(modname, is_pkg)
    scan.visit(tree.body)
    return scan.result()


def _module_name(path: str) -> tuple[str, bool] | None:
    """zip member path -> (dotted module name, is_package)."""
    if path.endswith(".py"):
        stem = path[:-3]
    elif path.endswith(".so"):
        d, _, base = path.rpartition("/")
        base = base.split(".")[0]
        if base.startswith("lib"):
            return None
        stem = f"{d}/{base}"
    else:
        return None
    parts = stem.split("/")
    if not all(p.isidentifier() for p in parts):
        return None
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


# --------------------------------------------------------------------------
# one release


def scan_wheel_modules(zf: zipfile.ZipFile, names: list, stats: dict):
    """(every module path of the wheel, scans of the modules of SCANNED_TREES and the
    *_pb2 modules, files that did not parse)."""
    modules: set = set()
    pymods: dict = {}
    failures: list = []
    for n in names:
        if not n.startswith("tensorflow/") or n.startswith(TF_API_ROOT):
            continue
        mn = _module_name(n)
        if mn is None:
            continue
        mod, is_pkg = mn
        modules.add(mod)
        # parent packages
        p = mod.rpartition(".")[0]
        while p and p not in modules:
            modules.add(p)
            p = p.rpartition(".")[0]
        is_pb2 = n.endswith("_pb2.py")
        if not (n.startswith(SCANNED_TREES) and n.endswith(".py") or is_pb2):
            continue
        stats["py_files"] += 1
        try:
            tree = ast.parse(zf.read(n), filename=n)
        except (SyntaxError, ValueError):
            failures.append(n)
            continue
        if wheel_layout.replaces_itself(tree):
            stats["replaced_modules"] += 1  # importers see another module: no claims
            continue
        pymods[mod] = scan_module(mod, is_pkg, tree)
        if is_pb2:  # messages bound at run time from the serialized descriptor
            pymods[mod]["defs"] |= protobuf_names.descriptor_names(tree)
    modules.discard("")
    return modules, pymods, failures


def scan_public_api(zf: zipfile.ZipFile, names: list, keras_wheels: list, stats: dict,
                    notes: list) -> tuple[list, set, dict]:
    """(sorted exports, public modules, public module aliases) of one release: its generated
    API files and those of the Keras that provides ``tf.keras``."""
    exports: list = []
    public_modules: set = set()
    module_aliases: dict = {}
    root_path, root_text = tf_root_file(zf, set(names))
    notes.append(f"root={root_path}")
    public_modules.add("tf")
    scan_api_file(root_text, "tf", exports, stats)
    stats["api_files"] += 1
    scan_api_tree(zf, [n for n in names if n != TF_API_ROOT + "__init__.py"], TF_API_ROOT, "tf",
                  exports, public_modules, stats)
    if "# line:" in root_text:
        notes.append("api-format=line-comments")
    if "python.keras.api._v2" in root_text:
        notes.append("keras=tensorflow.python.keras")
        for prefix, pub in TF_INTERNAL_KERAS_ROOTS:
            scan_api_tree(zf, names, prefix, pub, exports, public_modules, stats)
    else:
        for kw in keras_wheels:
            notes.append("keras=" + os.path.basename(kw))
            kz = zipfile.ZipFile(kw)
            knames = kz.namelist()
            for prefix, pub in KERAS_API_ROOTS:
                scan_api_tree(kz, knames, prefix, pub, exports, public_modules, stats)
    public_modules.update({"tf.keras", "tf.compat.v1.keras"})
    if "tensorflow_estimator" in root_text:
        public_modules.update({"tf.estimator", "tf.compat.v1.estimator"})
    for m in KERAS_ALIAS_MODULES:
        if re.search(rf"""(\b{m}\s*=\s*keras\.{m}\b|["']{m}["'])""", root_text):
            module_aliases[f"tf.{m}"] = f"tf.keras.{m}"
    return sorted(set(exports)), public_modules, module_aliases


def resolve_star_imports(pymods: dict) -> None:
    """Bind the names star imports bring into each module.

    The public names of the source module are bound unless the module binds the name
    again after the star import; a later star import wins over an earlier one (two
    passes so that chains of star imports resolve)."""
    for _ in range(2):
        for info in pymods.values():
            done = set()
            for sseq, src in sorted(info["stars"], reverse=True):
                s = pymods.get(src)
                if not s:
                    continue
                cand = s["all"] if s["all"] is not None else [
                    x for x in (s["defs"] | set(s["aliases"])) if not x.startswith("_")]
                for name in cand:
                    if name in done or info["bind_seq"].get(name, -1) > sseq:
                        continue
                    done.add(name)
                    if name in s["defs"] or name in s["aliases"]:
                        info["aliases"][name] = f"{src}.{name}"


def _alias_target_exists(target: str, modules: set, pymods: dict) -> bool:
    """The dotted alias target is a module of the release or a name its module binds."""
    parts = target.split(".")
    for k in range(len(parts), 0, -1):
        m = ".".join(parts[:k])
        if m in modules:
            if k == len(parts) or m not in pymods:
                return True
            i = pymods[m]
            n = parts[k]
            return n in i["defs"] or n in i["aliases"] or n in i["others"]
    return False


def drop_missing_aliases(pymods: dict, modules: set) -> None:
    """Drop aliases into names that do not exist statically in this release (e.g. imports
    of test-only modules inside try/except): the name stays bound to something else."""
    for info in pymods.values():
        for n, t in list(info["aliases"].items()):
            if not _alias_target_exists(t, modules, pymods):
                del info["aliases"][n]
                info["others"].add(n)


def _imported_modules(mod: str, info: dict, modules: set) -> set:
    """The module itself and the modules its aliases point into."""
    imported = {mod}
    for tgt in info["aliases"].values():
        imported.add(tgt if tgt in modules else tgt.rpartition(".")[0])
    return imported


def find_counterparts(exports: list, pymods: dict, modules: set) -> dict:
    """Unexported ``M.f`` -> its public counterpart (see the module docstring, step 3)."""
    exported_homes = {h for _, h in exports}
    by_last: dict = {}
    for pub, home in exports:
        if home.startswith("tensorflow."):
            by_last.setdefault(pub.rpartition(".")[2], []).append((pub, home))
    counterparts = {}
    for mod, info in pymods.items():
        imported = None
        for f, params in info["funcs"].items():
            if f not in by_last or f"{mod}.{f}" in exported_homes or f.startswith("_"):
                continue
            if imported is None:
                imported = _imported_modules(mod, info, modules)
            cands = []
            for pub, home in by_last[f]:
                hmod, _, g = home.rpartition(".")
                hparams = pymods.get(hmod, {}).get("funcs", {}).get(g)
                # same family only: a variant name (f_v2, f_with_dispatch, ...)
                # whose first parameter has the same name as ours
                if (hmod in imported and g != f and g.startswith(f) and hparams
                        and params["args"][:1] == hparams["args"][:1] != []):
                    cands.append((preference_key(pub), pub, home))
            if cands:
                _, pub, home = min(cands)
                hmod, _, g = home.rpartition(".")
                counterparts[f"{mod}.{f}"] = {
                    "public": pub, "public_home": home,
                    "private_params": params, "public_params": pymods[hmod]["funcs"][g]}
    return counterparts


def analyse_release(rel: str, tf_wheel: str, keras_wheels: list) -> dict:
    t0 = time.time()
    stats = {"api_files": 0, "api_parse_failures": 0, "py_files": 0, "replaced_modules": 0}
    notes = []
    zf = zipfile.ZipFile(tf_wheel)
    names = zf.namelist()
    exports, public_modules, module_aliases = scan_public_api(zf, names, keras_wheels, stats,
                                                              notes)
    modules, pymods, failures = scan_wheel_modules(zf, names, stats)
    apply_import_side_effects(pymods, {h.rpartition(".")[0] for _, h in exports})
    resolve_star_imports(pymods)
    drop_missing_aliases(pymods, modules)
    counterparts = find_counterparts(exports, pymods, modules)
    layout = wheel_layout.ReleaseLayout([zf] + [zipfile.ZipFile(k) for k in keras_wheels])
    layout.read()

    result = {
        "release": rel,
        "layout": layout.to_json(),
        "exports": exports,
        "public_modules": sorted(public_modules),
        "module_aliases": module_aliases,
        "modules": sorted(modules),
        "pymods": {m: {"defs": sorted(i["defs"]), "aliases": i["aliases"], "funcs": i["funcs"],
                       "others": sorted(i["others"]), "externals": i["externals"]}
                   for m, i in pymods.items()},
        "counterparts": counterparts,
        "failures": failures,
        "stats": stats,
        "notes": notes,
        "seconds": round(time.time() - t0, 1),
    }
    log(f"{rel}: {len(exports)} exports, {len(public_modules)} public modules, "
        f"{len(pymods)} py modules ({len(failures)} unparsable), {len(counterparts)} counterparts, "
        f"{result['seconds']}s; {'; '.join(notes)}")
    return result


# --------------------------------------------------------------------------
# merge


def _final_aliases(binding: dict, bound_last: dict, modules: dict, exports: dict) -> dict:
    """module -> {name: target} from the newest bindings (see build)."""
    # A name bound to an object outside TensorFlow (`DEFAULT_RANDN_DTYPE = np.float32`)
    # is kept as an alias when an exported name is the same object
    # (tf.experimental.numpy.float32 is np_dtypes.float32 = np.float32).
    shared_externals = set()
    for home in exports:
        t = binding.get(tuple(home.rsplit(".", 1)))
        if isinstance(t, tuple):
            shared_externals.add(t[1])
    aliases: dict = {}
    for (m, n), t in sorted(binding.items(), key=lambda kv: kv[0]):
        if isinstance(t, tuple):
            t = t[1] if t[1] in shared_externals else None
        if t is None or t == f"{m}.{n}":
            continue
        if modules.get(m, 0).bit_length() > bound_last[(m, n)] + 1:
            continue
        aliases.setdefault(m, {})[n] = t
    return aliases


def merge_public_api(results: list) -> tuple[dict, dict, dict]:
    """(private home -> {public name: mask}, public module -> mask,
    module alias -> [target, mask]) over the releases of ``results``."""
    exports: dict = {}
    public_modules: dict = {}
    module_aliases: dict = {}
    for i, r in enumerate(results):
        bit = 1 << i
        for pub, home in r["exports"]:
            d = exports.setdefault(home, {})
            d[pub] = d.get(pub, 0) | bit
        for m in r["public_modules"]:
            public_modules[m] = public_modules.get(m, 0) | bit
        for a, t in r["module_aliases"].items():
            e = module_aliases.setdefault(a, [t, 0])
            e[1] |= bit
    return exports, public_modules, module_aliases


def merge_bindings(results: list) -> tuple[dict, dict, dict, dict]:
    """(module -> mask, module -> {defined name: mask}, binding, bound_last) over the
    releases of ``results``: ``binding`` maps (module, name) to its alias target, None (a
    def) or ("external", target), the newest release winning; ``bound_last`` to the index
    of the newest release binding it."""
    modules: dict = {}
    symbols: dict = {}
    binding: dict = {}
    bound_last: dict = {}
    for i, r in enumerate(results):
        bit = 1 << i
        for m in r["modules"]:
            modules[m] = modules.get(m, 0) | bit
        for m, info in r["pymods"].items():
            for n in info["defs"] + info["others"] + list(info["aliases"]):
                bound_last[(m, n)] = i
            sm = symbols.setdefault(m, {})
            for n in info["defs"]:
                sm[n] = sm.get(n, 0) | bit
                binding[(m, n)] = None
            for n in info["others"]:
                binding[(m, n)] = None
            for n, t in info["aliases"].items():
                binding[(m, n)] = t
            for n, t in info["externals"].items():
                binding[(m, n)] = ("external", t)
    return modules, symbols, binding, bound_last


def merge_counterparts(results: list) -> dict:
    """Private path -> counterpart with the mask of the releases that have it.

    Signatures for the target of each counterpart: the newest release in which the
    public name is exported from a def we parsed."""
    counterparts: dict = {}
    for i, r in enumerate(results):
        for path, cp in r["counterparts"].items():
            old = counterparts.get(path)
            counterparts[path] = dict(cp, releases=(old["releases"] if old else 0) | 1 << i)
    latest_funcs = {}
    for r in results:
        for m, info in r["pymods"].items():
            for f, p in info["funcs"].items():
                latest_funcs[f"{m}.{f}"] = p
    pub_latest_home = {}
    for r in results:
        for pub, home in r["exports"]:
            pub_latest_home[pub] = home
    for path, cp in counterparts.items():
        home = pub_latest_home.get(cp["public"])
        if home and home in latest_funcs:
            cp["public_home"] = home
            cp["public_params"] = latest_funcs[home]
        if path in latest_funcs:
            cp["private_params"] = latest_funcs[path]
    return counterparts


def build(results: list, versions: dict) -> tuple[dict, dict]:
    rels = [r["release"] for r in results]
    exports, public_modules, module_aliases = merge_public_api(results)
    modules, symbols, binding, bound_last = merge_bindings(results)
    # An alias is kept only if its module binds the name statically in the
    # newest release that has the module: a name that is bound in an older
    # release only (then filled in dynamically, e.g. via globals().update, or
    # removed) would otherwise resolve to a stale home.
    aliases = _final_aliases(binding, bound_last, modules, exports)

    api_map = {
        "format": FORMAT_VERSION,
        "releases": rels,
        "versions": versions,
        "exports": exports,
        "public_modules": public_modules,
        "public_module_aliases": module_aliases,
        "modules": modules,
        "aliases": aliases,
        "counterparts": merge_counterparts(results),
    }
    history = {
        "format": FORMAT_VERSION,
        "releases": rels,
        "modules": modules,
        "symbols": symbols,
        "parse_failures": {r["release"]: r["failures"] for r in results},
    }
    return api_map, history


def build_layout(results: list, versions: dict) -> dict:
    """Merge the releases' import layouts into bitmasks (see import_layout.py)."""
    entries: dict = {}
    paths: dict = {}
    names: dict = {}
    roots: dict = {}
    kinds = (wheel_layout.il.PACKAGE, wheel_layout.il.MODULE, wheel_layout.il.DIRECTORY,
             wheel_layout.il.OPAQUE)
    for i, r in enumerate(results):
        bit = 1 << i
        lay = r["layout"]
        for root in lay["roots"]:
            roots[root] = roots.get(root, 0) | bit
        for dotted, flags in lay["entries"].items():
            masks = entries.setdefault(dotted, [0, 0, 0, 0])
            for k, kind in enumerate(kinds):
                if flags & kind:
                    masks[k] |= bit
        for package, variants in lay["paths"].items():
            groups = paths.setdefault(package, [])
            for group in groups:
                if group[1] == variants:
                    group[0] |= bit
                    break
            else:
                groups.append([bit, variants])
        for module, info in lay["names"].items():
            entry = names.setdefault(module, {"recorded": 0, "dynamic": 0, "names": {}})
            entry["recorded"] |= bit
            if info["dynamic"]:
                entry["dynamic"] |= bit
            for n in info["names"]:
                entry["names"][n] = entry["names"].get(n, 0) | bit
    return {"format": FORMAT_VERSION, "releases": [r["release"] for r in results],
            "versions": versions, "roots": roots, "entries": entries, "paths": paths,
            "names": names}


def write_gz(obj, path: Path) -> int:
    raw = json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()
    # mtime=0 -> byte-identical output for identical input
    with open(path, "wb") as fh:
        with gzip.GzipFile(filename="", mode="wb", fileobj=fh, compresslevel=9, mtime=0) as gz:
            gz.write(raw)
    return path.stat().st_size


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel-dir", type=Path, default=DEFAULT_WHEEL_DIR,
                    help="cache directory for downloaded wheels (default: %(default)s)")
    ap.add_argument("--releases", default=None,
                    help="comma-separated minor releases to process (default: all of "
                         + ", ".join(r[0] for r in RELEASES) + ")")
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR,
                    help="where to write the .json.gz files (default: the package data dir)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args(argv)

    wheel_dir = args.wheel_dir.expanduser().resolve()
    repo_root = OUT_DIR.parent.parent
    if wheel_dir == repo_root or repo_root in wheel_dir.parents:
        ap.error(f"--wheel-dir must be outside the repository ({repo_root})")
    wanted = RELEASES
    if args.releases:
        sel = [s.strip() for s in args.releases.split(",") if s.strip()]
        unknown = set(sel) - {r[0] for r in RELEASES}
        if unknown:
            ap.error(f"unknown releases: {sorted(unknown)}")
        wanted = [r for r in RELEASES if r[0] in sel]

    t0 = time.time()
    jobs = []
    versions = {}
    for rel, tfver, pyver in wanted:
        tfw = ensure_wheel("tensorflow-cpu", tfver, pyver, wheel_dir)
        kws = [ensure_wheel(n, v, "3.11", wheel_dir) for n, v in KERAS.get(rel, [])]
        versions[rel] = {"tensorflow-cpu": tfver, **{n: v for n, v in KERAS.get(rel, [])}}
        jobs.append((rel, str(tfw), [str(k) for k in kws]))
    log(f"wheels ready in {time.time() - t0:.1f}s")

    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as ex:
            results = list(ex.map(analyse_release, *zip(*jobs)))
    else:
        results = [analyse_release(*j) for j in jobs]

    api_map, history = build(results, versions)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    s1 = write_gz(api_map, args.out_dir / "api_map.json.gz")
    s2 = write_gz(history, args.out_dir / "symbol_history.json.gz")
    s3 = write_gz(build_layout(results, versions), args.out_dir / "import_layout.json.gz")
    n_public = len({p for d in api_map["exports"].values() for p in d})
    n_fail = sum(len(v) for v in history["parse_failures"].values())
    log(f"releases: {len(api_map['releases'])}; public names: {n_public}; private homes: "
        f"{len(api_map['exports'])}; public modules: {len(api_map['public_modules'])}; "
        f"aliases: {sum(len(v) for v in api_map['aliases'].values())}; "
        f"counterparts: {len(api_map['counterparts'])}; unparsable files: {n_fail}")
    log(f"api_map.json.gz: {s1} bytes; symbol_history.json.gz: {s2} bytes; "
        f"import_layout.json.gz: {s3} bytes; "
        f"total time {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
