"""Generate ``distribute_changes.json``: the versioned facts behind HDL3xx and HDL4xx.

Run as ``python -m hub_dist_lint.data.generate_distribute_changes``. Like
``generate_api_map`` it reads the cached ``tensorflow-cpu`` wheels of every minor
release 2.2 ... 2.21 statically (``zipfile`` + ``ast``; nothing is imported or
installed) and writes one JSON file next to this one. Release sets are int
bitmasks over ``releases`` (bit i = releases[i]), as in ``api_map.json.gz``.

What is derived, and from where
-------------------------------
* ``strategy_methods``: every public method/property of the class exported as
  ``tf.distribute.Strategy`` (``v2``) and of the one exported as
  ``tf.compat.v1.distribute.Strategy`` (``v1``), with the bases defined in the
  same file, read from ``tensorflow/python/distribute/distribute_lib.py``; which
  releases define it and which decorate it ``@deprecated(...)`` (with the message
  and the parameter list of the newest release). Methods are not exported, so
  the API map cannot say this.
* ``deprecated_symbols``: every ``tf.distribute.*`` name (v2 API, from the API map)
  whose home, in the release's source, is decorated ``deprecated_endpoints("<that
  endpoint>")``, or ``@deprecated`` itself or on its ``__init__``/``__new__``.
* ``constructor_params``: ``__init__`` parameters of the classes named below, per the
  newest release defining them (the fixer only renames a call both signatures
  take alike).
* ``namespace_packages``: the real packages under ``tensorflow/`` of each wheel
  outside ``tensorflow/_api`` and the private trees; whether their ``__init__.py``
  is empty. ``tensorflow/__init__.py`` of every release
  appends the generated API directory (``tensorflow/_api/v2``) to ``__path__``
  *after* the package's own directory (checked: ``api_dir_appended``), so such a
  package hides the API namespace of the same name from the import system
  (``from tensorflow.distribute import X``), while ``tf.distribute`` the attribute
  stays the API module.

What is written by hand (``METHOD_FIXES``, ``SYMBOL_FIXES``, ``CONTRIB``)
--------------------------------------------------------------------------
Only the replacements the fixer may use. Every claim about releases (removed in,
deprecated since, public since) is computed here or, for public names, by the
linter from the API map; ``tests/test_distribute_changes.py`` re-derives each.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import zipfile
from pathlib import Path

from .attribute_chains import attribute_path
from .generate_api_map import DEFAULT_WHEEL_DIR, OUT_DIR, RELEASES, ensure_wheel, fn_params

FORMAT_VERSION = 1
OUT_FILE = OUT_DIR / "distribute_changes.json"

# old method -> (replacement, how the fixer applies it)
#   rename:   strategy.old(...) -> strategy.new(...), when the call fits both signatures
#   extended: strategy.old(...) -> strategy.extended.old(...)
METHOD_FIXES = {
    "experimental_run_v2": ("run", "rename"),
    "experimental_distribute_datasets_from_function": ("distribute_datasets_from_function", "rename"),
    "unwrap": ("experimental_local_results", "rename"),
    "colocate_vars_with": ("extended.colocate_vars_with", "extended"),
}
# Hints (no fix) for the other removed/deprecated methods; keyed by method name.
METHOD_HINTS = {
    "experimental_make_numpy_dataset": "build the dataset with tf.data.Dataset.from_tensor_slices "
                                       "and pass it to experimental_distribute_dataset",
    "experimental_run": "call strategy.run(fn, args=(next(iterator),)) instead",
    "configure": "pass the configuration to the strategy's constructor, or use "
                 "update_config_proto",
}
# deprecated/renamed public name -> its replacement (checked against the map by tests)
SYMBOL_FIXES = {
    "tf.distribute.experimental.TPUStrategy": "tf.distribute.TPUStrategy",
    "tf.distribute.experimental.MultiWorkerMirroredStrategy": "tf.distribute.MultiWorkerMirroredStrategy",
    # the same class under both names, not deprecated in any release: never flagged
    "tf.distribute.experimental.ParameterServerStrategy": "tf.distribute.ParameterServerStrategy",
    # CollectiveHints.__new__ returns a CommunicationOptions already
    "tf.distribute.experimental.CollectiveHints": "tf.distribute.experimental.CommunicationOptions",
}
# tf.contrib (TF 1.x) is absent from every wheel read here; its distribute names and
# the TF 2 names that replaced them. Written by hand: no TF 1.x wheel is read.
CONTRIB = {
    "MirroredStrategy": "tf.distribute.MirroredStrategy",
    "OneDeviceStrategy": "tf.distribute.OneDeviceStrategy",
    "TPUStrategy": "tf.distribute.TPUStrategy",
    "CollectiveAllReduceStrategy": "tf.distribute.MultiWorkerMirroredStrategy",
    "ParameterServerStrategy": "tf.distribute.experimental.ParameterServerStrategy",
    "CrossDeviceOps": "tf.distribute.CrossDeviceOps",
    "ReductionToOneDeviceCrossDeviceOps": "tf.distribute.ReductionToOneDevice",
    "initialize_tpu_system": "tf.tpu.experimental.initialize_tpu_system",
    # AllReduceCrossDeviceOps(all_reduce_alg) became NcclAllReduce or
    # HierarchicalCopyAllReduce depending on its argument: no single replacement.
}
CONSTRUCTORS = sorted({*SYMBOL_FIXES, *SYMBOL_FIXES.values(), *CONTRIB.values()}
                      - {"tf.tpu.experimental.initialize_tpu_system"})
# Trees that are TensorFlow's implementation (HDL1xx reports imports of them).
_STRATEGY_NAME = re.compile(r"^tf\.distribute\.(?:experimental\.)?\w*Strategy$")
SKIP_TREES = ("tensorflow/_api/", "tensorflow/python/", "tensorflow/core/", "tensorflow/compiler/",
              "tensorflow/tsl/", "tensorflow/include/", "tensorflow/lite/python/",
              "tensorflow/dtensor/python/")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def _decorator_name(node) -> str:
    """`@a.b.c` / `@a.b.c(...)` -> "a.b.c" (`@f().b.c` -> "b.c")."""
    return ".".join(attribute_path(node.func if isinstance(node, ast.Call) else node)[0])


def _deprecation(decorators):
    """(deprecated?, message) from a def's decorators (`@deprecated(date, msg)`)."""
    for d in decorators:
        if _decorator_name(d).split(".")[-1] == "deprecated":
            message = ""
            if isinstance(d, ast.Call) and len(d.args) >= 2:
                try:
                    message = ast.literal_eval(d.args[1])
                except ValueError:
                    message = ast.unparse(d.args[1])
            return True, message
    return False, None


def _exported_as(cls: ast.ClassDef):
    """(v2 names, v1 names) of a class's tf_export decorators."""
    v2, v1 = [], []
    for d in cls.decorator_list:
        if not (isinstance(d, ast.Call) and _decorator_name(d).endswith("tf_export")):
            continue
        v2 += [a.value for a in d.args if isinstance(a, ast.Constant)]
        for kw in d.keywords:
            if kw.arg == "v1" and isinstance(kw.value, (ast.List, ast.Tuple)):
                v1 += [e.value for e in kw.value.elts if isinstance(e, ast.Constant)]
        if not any(kw.arg == "v1" for kw in d.keywords):
            v1 += [a.value for a in d.args if isinstance(a, ast.Constant)]
    return v2, v1


def _class_members(classes: dict, name: str, seen=None) -> dict:
    """name -> (kind, deprecated, message, params) over the class and its same-file bases."""
    seen = seen or set()
    if name in seen or name not in classes:
        return {}
    seen.add(name)
    cls = classes[name]
    members: dict = {}
    for base in cls.bases:
        if isinstance(base, ast.Name):
            for key, value in _class_members(classes, base.id, seen).items():
                members.setdefault(key, value)
    own = {}
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and not stmt.name.startswith("_"):
            kinds = {_decorator_name(d).split(".")[-1] for d in stmt.decorator_list}
            kind = "property" if "property" in kinds else "method"
            deprecated, message = _deprecation(stmt.decorator_list)
            own[stmt.name] = (kind, deprecated, message, fn_params(stmt))
    members.update(own)  # the class's own definition overrides its bases'
    return members


def strategy_members(source: str):
    tree = ast.parse(source)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    v2 = v1 = None
    for name, cls in classes.items():
        e2, e1 = _exported_as(cls)
        if "distribute.Strategy" in e2:
            v2 = name
        if "distribute.Strategy" in e1:
            v1 = name
    if v2 is None or v1 is None:
        raise RuntimeError("no class exported as tf.distribute.Strategy (v2 and v1)")
    return _class_members(classes, v2), _class_members(classes, v1)


def _module_file(zf_names: set, module: str):
    base = module.replace(".", "/")
    for candidate in (base + ".py", base + "/__init__.py"):
        if candidate in zf_names:
            return candidate
    return None


def _find_def(tree: ast.Module, name: str):
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name:
            return node
    return None


def home_deprecation(tree: ast.Module, name: str, endpoint: str):
    """Whether the definition `name` is deprecated for `endpoint` ("distribute.X"); None if not found."""
    node = _find_def(tree, name)
    if node is None:
        return None
    for d in node.decorator_list:
        if _decorator_name(d).split(".")[-1] == "deprecated_endpoints" and isinstance(d, ast.Call):
            if endpoint in [a.value for a in d.args if isinstance(a, ast.Constant)]:
                return "deprecated_endpoints"
    if _deprecation(node.decorator_list)[0]:
        return "deprecated"
    if isinstance(node, ast.ClassDef):
        for stmt in node.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name in ("__init__", "__new__") and \
                    _deprecation(stmt.decorator_list)[0]:
                return f"deprecated {stmt.name}"
    return False


def init_params(tree: ast.Module, name: str):
    node = _find_def(tree, name)
    if not isinstance(node, ast.ClassDef):
        return None
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == "__init__":
            return fn_params(stmt)
    return None


def _binds(tree: ast.Module) -> list:
    """Names a package __init__ binds (empty list: an empty package)."""
    names = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # docstring
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            continue
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names += [a.asname or a.name.split(".")[0] for a in stmt.names]
        elif isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            names.append(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names += [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        else:
            names.append("<" + type(stmt).__name__ + ">")
    return names


def namespace_packages(zf: zipfile.ZipFile, names: list) -> dict:
    """module path -> {"package": bool, "binds": [...]} for tensorflow/<...> outside private trees."""
    out = {}
    for path in names:
        if not path.startswith("tensorflow/") or not path.endswith(".py") or path.count("/") < 2:
            continue
        if path.startswith(SKIP_TREES):
            continue
        parts = path[:-3].split("/")
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        elif not "/".join(parts[:-1]) + "/__init__.py" in names:
            continue
        if not all("/".join(parts[:k]) + "/__init__.py" in names for k in range(2, len(parts) + 1)
                   if k < len(parts) or is_pkg):
            continue
        entry = {"package": is_pkg}
        if is_pkg:
            try:
                entry["binds"] = _binds(ast.parse(zf.read(path)))
            except SyntaxError:
                entry["binds"] = ["<unparsable>"]
        out[".".join(parts)] = entry
    return out


def analyse_release(rel: str, wheel: Path, api) -> dict:
    zf = zipfile.ZipFile(wheel)
    names = zf.namelist()
    name_set = set(names)
    v2, v1 = strategy_members(zf.read("tensorflow/python/distribute/distribute_lib.py").decode())
    init = zf.read("tensorflow/__init__.py").decode()
    appended = bool(re.search(r"__path__\.append\(_tf_api_dir\)", init))
    parsed: dict = {}

    def module_tree(module):
        if module not in parsed:
            f = _module_file(name_set, module)
            parsed[module] = ast.parse(zf.read(f)) if f else None
        return parsed[module]

    bit = 1 << api.releases().index(rel)
    deprecated = {}
    for home, pubs in api._api()["exports"].items():
        for pub, mask in pubs.items():
            if not (mask & bit and pub.startswith("tf.distribute.")):
                continue
            module, _, name = home.rpartition(".")
            tree = module_tree(module)
            how = home_deprecation(tree, name, pub[len("tf."):]) if tree is not None else None
            if how:
                deprecated[pub] = how
    # members of every exported tf.distribute strategy class (TPUStrategy's own
    # experimental_*_logical_device* left the base class in 2.4 but not TPUStrategy)
    subclass_members = set()
    for home, pubs in api._api()["exports"].items():
        if any(mask & bit and _STRATEGY_NAME.match(pub) for pub, mask in pubs.items()):
            module, _, name = home.rpartition(".")
            tree = module_tree(module)
            if tree is not None:
                classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
                subclass_members |= set(_class_members(classes, name))
    constructors = {}
    for pub in CONSTRUCTORS:
        for home, rels in api.private_homes(pub).items():
            if rel in rels:
                module, _, name = home.rpartition(".")
                tree = module_tree(module)
                params = init_params(tree, name) if tree is not None else None
                if params is not None:
                    constructors[pub] = params
    return {"v2": v2, "v1": v1, "subclasses": sorted(subclass_members),
            "api_dir_appended": appended, "deprecated": deprecated, "constructors": constructors,
            "packages": namespace_packages(zf, names)}


def build(results: dict, releases: list) -> dict:
    def bit(rel):
        return 1 << releases.index(rel)

    methods: dict = {}
    for rel, res in results.items():
        for side in ("v2", "v1"):
            for name, (kind, dep, message, params) in res[side].items():
                m = methods.setdefault(name, {"kind": kind, "v2": 0, "v2_deprecated": 0,
                                              "v1": 0, "v1_deprecated": 0, "any_v2": 0})
                m[side] |= bit(rel)
                if dep:
                    m[side + "_deprecated"] |= bit(rel)
                    m["message"] = message
                if side == "v2":
                    m["any_v2"] |= bit(rel)
                    m["params"] = params  # newest release wins (results are in order)
                    m["kind"] = kind
        for name in res["subclasses"]:
            if name in methods:
                methods[name]["any_v2"] |= bit(rel)
    for name, (new, how) in METHOD_FIXES.items():
        methods[name]["fix"] = {"replacement": new, "how": how}
    for name, hint in METHOD_HINTS.items():
        methods[name]["hint"] = hint
    deprecated: dict = {}
    for rel, res in results.items():
        for pub, how in res["deprecated"].items():
            d = deprecated.setdefault(pub, {"releases": 0, "how": how})
            d["releases"] |= bit(rel)
            d["how"] = how
    constructors: dict = {}
    for res in results.values():
        constructors.update(res["constructors"])
    packages: dict = {}
    for rel, res in results.items():
        for module, entry in res["packages"].items():
            p = packages.setdefault(module, {"releases": 0, "empty": 0,
                                             "package": entry["package"]})
            p["releases"] |= bit(rel)
            if entry.get("binds") == []:
                p["empty"] |= bit(rel)
    appended = sum(bit(rel) for rel, res in results.items() if res["api_dir_appended"])
    return {
        "format": FORMAT_VERSION,
        "generated_by": "python -m hub_dist_lint.data.generate_distribute_changes",
        "releases": releases,
        "strategy_methods": dict(sorted(methods.items())),
        "deprecated_symbols": dict(sorted(deprecated.items())),
        "symbol_fixes": SYMBOL_FIXES,
        "contrib_distribute": CONTRIB,
        "constructor_params": dict(sorted(constructors.items())),
        "api_dir_appended": appended,
        "namespace_packages": dict(sorted(packages.items())),
    }


def main(argv=None) -> int:
    from .. import apimap

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel-dir", type=Path, default=DEFAULT_WHEEL_DIR)
    ap.add_argument("--out", type=Path, default=OUT_FILE)
    args = ap.parse_args(argv)
    releases = list(apimap.releases())
    results = {}
    for rel, version, pyver in RELEASES:
        wheel = ensure_wheel("tensorflow-cpu", version, pyver, args.wheel_dir.expanduser())
        results[rel] = analyse_release(rel, wheel, apimap)
        log(rel, len(results[rel]["v2"]), "v2 members;", len(results[rel]["packages"]), "packages")
    data = build(results, releases)
    args.out.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", "utf-8")
    log("wrote", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
