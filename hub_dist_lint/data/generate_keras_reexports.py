"""Generate ``keras_reexports.json.gz``: which private Keras package names re-export an
object, and which names Keras 3's own ``keras.*`` API has.

Run as ``python -m hub_dist_lint.data.generate_keras_reexports``. For each TF release
it reads (``zipfile`` + ``ast``; nothing is imported) the ``__init__.py`` of
every ``src`` package of the Keras and tf-keras wheels that go with that release
(``generate_api_map.KERAS``, the wheels cached by that generator or downloaded with
``pip download --no-deps``). Each unconditional module-level ``from X import Y [as Z]``
binds ``package.Z`` to the object ``X.Y``: `tf_keras/src/utils/__init__.py` does
``from tf_keras.src.utils.np_utils import to_categorical``, so
``tf_keras.src.utils.to_categorical`` is ``tf_keras.src.utils.np_utils.to_categorical``.

The API map records public names under the module that *defines* an object; this file
lets HDL503 find the public name of a private package path that only re-exports it.
A name bound more than once in its ``__init__.py`` (re-imported, assigned, defined,
deleted, or bound under an ``if``/``try``) is left out: which binding wins is not proven.

``keras3_api``: the names of the ``keras`` package's own API in Keras 3 (its generated
"DO NOT EDIT" modules, ``keras/api/**`` before 3.4-ish, ``keras/**`` outside ``src`` since),
which differs from tf.keras's layout (``keras/_tf_keras/keras``, the API map's ``tf.keras``):
``keras.preprocessing.image.ImageDataGenerator`` is only in the latter.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Dict, List, Set

from .generate_api_map import DEFAULT_WHEEL_DIR, KERAS, OUT_DIR, ensure_wheel
from .wheel_layout import absolute_module, assigned_names

OUT_FILE = OUT_DIR / "keras_reexports.json.gz"
FORMAT_VERSION = 1


def _bindings(tree: ast.AST) -> Counter:
    """How often each name is bound anywhere in the module (any depth)."""
    counts: Counter = Counter()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                counts[(alias.asname or alias.name).split(".")[0]] += 1
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            counts[node.name] += 1
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            names: List[str] = []
            for target in targets:
                assigned_names(target, names)
            counts.update(names)
        elif isinstance(node, (ast.For, ast.With, ast.NamedExpr)):
            names = []
            for target in ([node.target] if not isinstance(node, ast.With)
                           else [item.optional_vars for item in node.items if item.optional_vars]):
                assigned_names(target, names)
            counts.update(names)
    return counts


def package_reexports(source: str, package: str, submodules: Set[str] = frozenset()) -> Dict[str, str]:
    """`package.Z` -> `X.Y` for the `from X import Y as Z` of one package `__init__.py`.
    A name that is also a submodule of the package is left out (importing the submodule
    rebinds the attribute), and so is a binding of a module to its own name (`from . import x`)."""
    tree = ast.parse(source)
    counts = _bindings(tree)
    found = {}
    for node in tree.body:  # unconditional module-level statements only
        if not isinstance(node, ast.ImportFrom):
            continue
        module = absolute_module(node, package, True)
        if not module:
            continue
        for alias in node.names:
            bound = alias.asname or alias.name
            path, source = f"{package}.{bound}", f"{module}.{alias.name}"
            if alias.name == "*" or counts[bound] != 1 or bound in submodules or path == source:
                continue
            found[path] = source
    return found


def scan_wheel(path: Path, root: str) -> Dict[str, str]:
    """The re-exports of every `root/src/**/__init__.py` in one wheel."""
    found: Dict[str, str] = {}
    with zipfile.ZipFile(path) as wheel:
        members = wheel.namelist()
        children: Dict[str, Set[str]] = {}
        for name in members:
            if name.endswith(".py"):
                parts = name[:-3].split("/")
                if parts[-1] == "__init__":
                    parts.pop()
                children.setdefault(".".join(parts[:-1]), set()).add(parts[-1])
        for name in sorted(members):
            if not (name.startswith(f"{root}/src/") and name.endswith("/__init__.py")):
                continue
            package = name[: -len("/__init__.py")].replace("/", ".")
            source = wheel.read(name).decode("utf-8", "replace")
            found.update(package_reexports(source, package, children.get(package, set())))
    return found


_GENERATED = '"""DO NOT EDIT.'


def keras3_api(path: Path) -> Set[str]:
    """`keras.<module>.<name>` for every name Keras 3's generated API modules bind, and the
    modules themselves."""
    names: Set[str] = set()
    with zipfile.ZipFile(path) as wheel:
        members = set(wheel.namelist())
        root = "keras/api/" if "keras/api/__init__.py" in members else "keras/"
        for name in sorted(members):
            if not (name.startswith(root) and name.endswith("__init__.py")):
                continue
            inner = name[len(root):-len("__init__.py")].rstrip("/")
            if inner.split("/")[0] in ("src", "_tf_keras", "api"):
                continue
            source = wheel.read(name).decode("utf-8", "replace")
            if not source.startswith(_GENERATED):
                continue
            module = ".".join(["keras"] + ([inner.replace("/", ".")] if inner else []))
            names.add(module)
            for node in ast.parse(source).body:
                if isinstance(node, ast.ImportFrom):
                    names.update(f"{module}.{alias.asname or alias.name}" for alias in node.names
                                 if alias.name != "*" and not (alias.asname or alias.name).startswith("_"))
    return names


def generate(wheel_dir: Path) -> dict:
    # path -> source -> releases; few paths change their source between releases
    table: Dict[str, Dict[str, List[str]]] = {}
    api: Dict[str, List[str]] = {}
    wheels = {}
    for release, packages in sorted(KERAS.items(), key=lambda kv: tuple(map(int, kv[0].split(".")))):
        for dist, version in packages:  # keras.src from Keras 2.13; none before
            root = dist.replace("-", "_")
            wheel = ensure_wheel(dist, version, None, wheel_dir)
            wheels.setdefault(release, []).append(wheel.name)
            found = scan_wheel(wheel, root)
            print(f"TF {release}: {dist} {version}: {len(found)} re-export(s)", file=sys.stderr)
            for path, source in found.items():
                table.setdefault(path, {}).setdefault(source, []).append(release)
            if dist == "keras" and version.startswith("3."):
                for name in keras3_api(wheel):
                    api.setdefault(name, []).append(release)
    return {
        "format": FORMAT_VERSION,
        "about": "private Keras package names that re-export an object (from X import Y as Z "
                 "in a src package __init__.py), per TF release; generated by "
                 "hub_dist_lint/data/generate_keras_reexports.py, do not edit",
        "wheels": wheels,
        "reexports": {path: sorted([source, releases] for source, releases in sources.items())
                      for path, sources in sorted(table.items())},
        "keras3_api": dict(sorted(api.items())),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel-dir", type=Path, default=DEFAULT_WHEEL_DIR)
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    args = parser.parse_args(argv)
    data = generate(args.wheel_dir.expanduser())
    text = json.dumps(data, separators=(",", ":")) + "\n"
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(text.encode("utf-8"))  # mtime=0: the same wheels give the same bytes
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
