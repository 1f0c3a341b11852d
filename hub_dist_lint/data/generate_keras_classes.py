"""Generate ``keras_classes.json``: which public Keras optimizers, metrics, losses and models
are classes, per TensorFlow release and per Keras package.

Run as ``python -m hub_dist_lint.data.generate_keras_classes``. For every release of
``generate_api_map.KERAS`` it takes the same Keras wheels (``pip download --no-deps``,
cached with the TensorFlow wheels) and reads them statically (``zipfile`` + ``ast``;
nothing is imported or installed): the generated API files give each public
``tf.keras.<module>.<Name>`` and the module it is imported from, and that module's source
says whether ``Name`` is a class (a top-level ``class``, followed through re-exports).

Only the direct members of ``tf.keras.optimizers``, ``tf.keras.metrics``,
``tf.keras.losses``, ``tf.keras.models`` and ``tf.keras.Model`` / ``tf.keras.Sequential``
are kept: calling one of these classes makes an optimizer, a metric, a loss or a model,
which is what the HDL2xx Keras scope rules follow; and ``load_model`` of
``tf.keras.models`` / ``tf.keras.saving`` where it is a function (kind "loaded model"). Releases are bits of
``api_map.json.gz``'s ``releases`` (bit ``i`` = ``releases[i]``), per package: ``keras``
(``tf.keras`` up to 2.15, Keras 3 from 2.16) and ``tf_keras`` (2.16 on).
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Dict, Optional

from .generate_api_map import (DEFAULT_WHEEL_DIR, KERAS, KERAS_API_ROOTS, OUT_DIR, RELEASES,
                               ensure_wheel, scan_api_tree)

OUT_FILE = OUT_DIR / "keras_classes.json"
FORMAT_VERSION = 1
# public module -> what calling one of its classes makes
KINDS = {"tf.keras.optimizers": "optimizer", "tf.keras.metrics": "metric",
         "tf.keras.losses": "loss", "tf.keras.models": "model"}
TOP_LEVEL_MODELS = ("tf.keras.Model", "tf.keras.Sequential")
# the function of these modules that makes a model too (kept when it is a `def`)
LOADERS = {"tf.keras.models": "load_model", "tf.keras.saving": "load_model"}


def _kind_of(public: str) -> Optional[str]:
    if public in TOP_LEVEL_MODELS:
        return "model"
    module, _, _ = public.rpartition(".")
    return KINDS.get(module)


def _loader(public: str) -> bool:
    module, _, name = public.rpartition(".")
    return LOADERS.get(module) == name


class WheelClasses:
    """Is `module.Name` a class in this wheel: a top-level `class Name`, or a name the module
    imports from another module of the wheel that is one."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.files = set(zf.namelist())
        self.trees: Dict[str, Optional[ast.Module]] = {}

    def _tree(self, module: str) -> Optional[ast.Module]:
        if module not in self.trees:
            base = module.replace(".", "/")
            tree = None
            for path in (base + ".py", base + "/__init__.py"):
                if path in self.files:
                    tree = ast.parse(self.zf.read(path).decode("utf-8", "replace"))
                    break
            self.trees[module] = tree
        return self.trees[module]

    def is_class(self, home: str) -> bool:
        return self._defines(home, ast.ClassDef)

    def is_function(self, home: str) -> bool:
        return self._defines(home, ast.FunctionDef)

    def _defines(self, home: str, kind: type, depth: int = 0) -> bool:
        """`home` is a `kind` statement of its module, or imported there from one."""
        module, _, name = home.rpartition(".")
        tree = self._tree(module)
        if tree is None or depth > 5:
            return False
        for node in tree.body:
            if isinstance(node, kind) and node.name == name:
                return True
            if isinstance(node, ast.ImportFrom) and node.module:
                source = _absolute(node, module, self._is_package(module))
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        return self._defines(f"{source}.{alias.name}", kind, depth + 1)
        return False

    def _is_package(self, module: str) -> bool:
        return module.replace(".", "/") + "/__init__.py" in self.files


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module
    parts = module.split(".")
    keep = len(parts) - node.level + (1 if is_package else 0)
    return ".".join(parts[:keep] + ([node.module] if node.module else []))


def classes_of_wheel(wheel: Path) -> Dict[str, str]:
    """public tf.keras name -> kind, for the classes this Keras wheel's API files export."""
    zf = zipfile.ZipFile(wheel)
    exports: list = []
    stats: Counter = Counter()
    names = zf.namelist()
    for prefix, public_root in KERAS_API_ROOTS:
        if public_root == "tf.keras":
            scan_api_tree(zf, names, prefix, public_root, exports, set(), stats)
    classes = WheelClasses(zf)
    found = {}
    for public, home in exports:
        kind = _kind_of(public)
        if kind and classes.is_class(home):
            found[public] = kind
        elif _loader(public) and classes.is_function(home):
            found[public] = "loaded model"
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel-dir", type=Path, default=DEFAULT_WHEEL_DIR)
    args = parser.parse_args(argv)
    releases = [release for release, _, _ in RELEASES]
    out: Dict[str, Dict[str, Dict[str, int]]] = {"keras": {}, "tf_keras": {}}
    for release, wheels in KERAS.items():
        bit = 1 << releases.index(release)
        for package, version in wheels:
            wheel = ensure_wheel(package, version, None, args.wheel_dir.expanduser())
            key = "tf_keras" if package == "tf-keras" else "keras"
            for public, kind in classes_of_wheel(wheel).items():
                entry = out[key].setdefault(kind, {})
                entry[public] = entry.get(public, 0) | bit
            print(release, package, version, file=sys.stderr)
    data = {"format": FORMAT_VERSION, "releases": releases,
            "classes": {key: {kind: dict(sorted(names.items())) for kind, names in sorted(kinds.items())}
                        for key, kinds in out.items()}}
    OUT_FILE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
