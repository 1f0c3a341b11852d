"""Generate ``hub_api.json``: tensorflow_hub's public names in every release 0.7.0-0.16.1.

Run as ``python -m hub_dist_lint.data.generate_hub_api``. It downloads (``pip download
--no-deps``, cached next to the TensorFlow wheels) the wheel of every tensorflow-hub
release in ``RELEASES`` and of every tf-keras release, and reads them statically
(``zipfile`` + ``ast``; nothing is imported or installed).

For each hub release:

* the names ``tensorflow_hub/__init__.py`` binds at import (module-level ``from
  tensorflow_hub.x import Name``, ``import``, assignments, ``def``; under ``if``/``try``
  too, with the guard noted, and minus what a later ``del`` removes). Names starting with
  ``_`` are left out, except ``__version__``, and so are modules from outside the
  package (``import tensorflow as tf`` in 0.7-0.9);
* where each name is defined (``tensorflow_hub.module.Module``) and what it is (class,
  function, value), read from the defining module of the newest release that has it,
  with the ``Warning: Deprecated...`` paragraph of its docstring when it has one;
* the modules the wheel ships (``tensorflow_hub.feature_column``...): ``import
  tensorflow_hub.x`` works in exactly those releases;
* the names its ``__all__`` lists that it does not bind (``from tensorflow_hub import *``
  raises ``AttributeError`` there: 0.16 kept the TF 1 names in ``__all__``);
* its ``Requires-Dist`` lines.

Which hub release pip installs beside a TensorFlow release (the hub target when a
project pins no tensorflow-hub) follows from the requirements: the newest hub release
none of whose requirements excludes that TensorFlow, following ``tf-keras`` (hub 0.16
requires ``tf-keras>=2.14.1``) to the ``tensorflow`` requirement of the tf-keras
releases it allows (2.14.1, 2.15.0 require no TensorFlow, so every TF release can have
hub 0.16.1).

Release sets are stored as int bitmasks: bit ``i`` = ``releases[i]``.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

try:
    from .generate_api_map import DEFAULT_WHEEL_DIR, OUT_DIR, RELEASES as TF_RELEASES, ensure_wheel
except ImportError:  # run as a script
    from hub_dist_lint.data.generate_api_map import (DEFAULT_WHEEL_DIR, OUT_DIR,
                                                     RELEASES as TF_RELEASES, ensure_wheel)

OUT_FILE = OUT_DIR / "hub_api.json"
FORMAT_VERSION = 1
PACKAGE = "tensorflow_hub"

# Every tensorflow-hub release from 0.7.0, the first with hub.load and TF 2 support
# (`pip index versions tensorflow-hub`: 0.16.1 the newest).
RELEASES = ("0.7.0", "0.8.0", "0.9.0", "0.10.0", "0.11.0", "0.12.0", "0.13.0", "0.14.0",
            "0.15.0", "0.16.0", "0.16.1")
# Every tf-keras release (`pip index versions tf-keras`): read for its tensorflow requirement.
TF_KERAS_RELEASES = ("2.14.1", "2.15.0", "2.15.1", "2.16.0", "2.17.0", "2.18.0", "2.19.0",
                     "2.20.1", "2.21.0")


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


# -- one wheel ---------------------------------------------------------------------------


def _public(name: str) -> bool:
    return not name.startswith("_") or name == "__version__"


def _guard(node: ast.AST) -> str:
    """The condition a binding depends on, as source text."""
    if isinstance(node, ast.If):
        return f"if {ast.unparse(node.test)}"
    handlers = ", ".join(ast.unparse(h.type) if h.type is not None else "any exception"
                         for h in node.handlers)
    return f"try (except {handlers})"


def init_bindings(tree: ast.Module) -> Dict[str, dict]:
    """name -> {"home": dotted path or None, "guard": condition or None} for the names the
    package's __init__ binds at import and keeps (a module-level `del` removes them)."""
    bound: Dict[str, dict] = {}

    def visit(body, guard: Optional[str]) -> None:
        for node in body:
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    if alias.name != "*":
                        bound[alias.asname or alias.name] = {
                            "home": f"{node.module}.{alias.name}", "guard": guard}
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    bound[name] = {"home": alias.name if alias.asname else name, "guard": guard}
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound[node.name] = {"home": f"{PACKAGE}.{node.name}", "guard": guard}
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        bound[target.id] = {"home": f"{PACKAGE}.{target.id}", "guard": guard}
            elif isinstance(node, ast.Delete):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        bound.pop(target.id, None)
            elif isinstance(node, ast.If):
                visit(node.body, guard or _guard(node))
                visit(node.orelse, guard or f"not ({ast.unparse(node.test)})")
            elif isinstance(node, ast.Try):
                visit(node.body, guard or _guard(node))
                for handler in node.handlers:
                    visit(handler.body, guard or _guard(node))
                visit(node.orelse, guard or _guard(node))
                visit(node.finalbody, guard)

    visit(tree.body, None)
    return {name: info for name, info in bound.items() if _public(name)}


def _module_name(member: str) -> Optional[str]:
    if not member.startswith(PACKAGE + "/") or not member.endswith(".py"):
        return None
    dotted = member[:-3].replace("/", ".")
    return dotted[: -len(".__init__")] if dotted.endswith(".__init__") else dotted


def _deprecation(doc: Optional[str]) -> Optional[str]:
    """The docstring's `Warning: Deprecated...` paragraph, on one line."""
    for paragraph in (doc or "").split("\n\n"):
        if paragraph.strip().startswith("Warning:") and "eprecated" in paragraph:
            return " ".join(paragraph.split())
    return None


def describe(trees: Dict[str, ast.Module], home: str) -> Tuple[str, Optional[str]]:
    """(kind, deprecation note) of `tensorflow_hub.x.Name` from its module's source."""
    if home in trees:
        return "module", None
    module, _, name = home.rpartition(".")
    tree = trees.get(module)
    if tree is None:
        return "outside", None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            kind = "class" if isinstance(node, ast.ClassDef) else "function"
            return kind, _deprecation(ast.get_docstring(node))
    return "value", None


def read_wheel(path: Path) -> dict:
    """What one tensorflow-hub wheel says: modules, bindings, requirements."""
    trees: Dict[str, ast.Module] = {}
    requires: List[str] = []
    with zipfile.ZipFile(path) as wheel:
        for member in sorted(wheel.namelist()):
            module = _module_name(member)
            if module is not None:
                trees[module] = ast.parse(wheel.read(member).decode("utf-8"))
            elif member.endswith(".dist-info/METADATA"):
                requires = metadata_requires(wheel.read(member).decode("utf-8"))
    bound = init_bindings(trees[PACKAGE])
    names = {}
    for name, info in bound.items():
        info["kind"], info["note"] = describe(trees, info["home"])
        if info["kind"] != "outside":  # `import tensorflow as tf` in 0.7-0.9: not hub's API
            names[name] = info
    listed = star_names(trees[PACKAGE])
    return {"modules": sorted(m for m in trees if m != PACKAGE), "names": names,
            "requires": requires,
            "star_missing": [n for n in listed or () if n not in bound]}  # in __all__ order


def star_names(tree: ast.Module) -> Optional[List[str]]:
    """The names `__all__` lists (`__all__ = [...]`, `__all__ += [...]` of literals)."""
    listed: Optional[List[str]] = None
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                try:
                    values = ast.literal_eval(node.value)
                except ValueError:
                    continue  # `__all__ += _get_extra_deps()`: [] in every release read
                listed = (listed or []) + list(values) if isinstance(node, ast.AugAssign) else list(values)
    return listed


def metadata_requires(metadata: str) -> List[str]:
    """The `Requires-Dist` requirements without an extra (what a plain install pulls)."""
    out = []
    for line in metadata.splitlines():
        if not line.startswith("Requires-Dist:"):
            if not line.strip():
                break  # the headers end at the first blank line
            continue
        requirement = line.split(":", 1)[1].strip()
        if "extra ==" not in requirement:
            out.append(requirement)
    return out


def _wheel_requires(path: Path) -> List[str]:
    with zipfile.ZipFile(path) as wheel:
        for member in wheel.namelist():
            if member.endswith(".dist-info/METADATA"):
                return metadata_requires(wheel.read(member).decode("utf-8"))
    return []


# -- which hub release goes with a TensorFlow release ------------------------------------


def _name(requirement: str) -> str:
    from packaging.requirements import Requirement

    return re.sub(r"[-_.]+", "-", Requirement(requirement).name).lower()


def _allows(requirements: List[str], distribution: str, version: str) -> bool:
    """No requirement on `distribution` among these excludes `version`."""
    from packaging.requirements import Requirement

    return all(Requirement(r).specifier.contains(version, prereleases=True)
               for r in requirements if _name(r) == distribution)


def hub_for_tf(hub_requires: Dict[str, List[str]], tf_keras_requires: Dict[str, List[str]],
               tf_version: str) -> Optional[str]:
    """The newest hub release pip can install beside `tensorflow==tf_version`."""
    for hub in reversed(RELEASES):
        requires = hub_requires[hub]
        if not _allows(requires, "tensorflow", tf_version):
            continue
        if any(_name(r) == "tf-keras" for r in requires) and not any(
                _allows(requires, "tf-keras", keras) and
                _allows(tf_keras_requires[keras], "tensorflow", tf_version)
                for keras in TF_KERAS_RELEASES):
            continue
        return hub
    return None


# -- the data file ------------------------------------------------------------------------


def generate(wheel_dir: Path) -> dict:
    per_release = {}
    for version in RELEASES:
        per_release[version] = read_wheel(ensure_wheel("tensorflow-hub", version, None, wheel_dir))
        log(f"tensorflow-hub {version}: {len(per_release[version]['names'])} names, "
            f"{len(per_release[version]['modules'])} modules")
    tf_keras_requires = {v: _wheel_requires(ensure_wheel("tf-keras", v, None, wheel_dir))
                         for v in TF_KERAS_RELEASES}
    names: Dict[str, dict] = {}
    for i, version in enumerate(RELEASES):  # oldest first: the newest release's facts win
        for name, info in per_release[version]["names"].items():
            entry = names.setdefault(name, {"releases": 0, "guarded": {}})
            entry["releases"] |= 1 << i
            entry.update(home=info["home"], kind=info["kind"])
            if info["note"]:
                entry["note"] = info["note"]
            if info["guard"]:
                entry["guarded"][version] = info["guard"]
    for entry in names.values():
        if not entry["guarded"]:
            del entry["guarded"]
    modules: Dict[str, int] = {}
    for i, version in enumerate(RELEASES):
        for module in per_release[version]["modules"]:
            modules[module] = modules.get(module, 0) | 1 << i
    hub_requires = {v: per_release[v]["requires"] for v in RELEASES}
    # `from tensorflow_hub import *` raises AttributeError where __all__ lists a name the
    # package does not bind (0.16 kept the TF 1 names in __all__)
    star_missing = {v: per_release[v]["star_missing"] for v in RELEASES if per_release[v]["star_missing"]}
    return {
        "format": FORMAT_VERSION,
        "about": "tensorflow_hub's public names per release, read from its wheels; generated "
                 "by hub_dist_lint/data/generate_hub_api.py, do not edit",
        "releases": list(RELEASES),
        "names": dict(sorted(names.items())),
        "modules": dict(sorted(modules.items())),
        "star_missing": star_missing,
        "requires": hub_requires,
        "tf_keras_requires": tf_keras_requires,
        "hub_for_tf": {minor: hub_for_tf(hub_requires, tf_keras_requires, full)
                       for minor, full, _ in TF_RELEASES},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel-dir", type=Path, default=DEFAULT_WHEEL_DIR)
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    args = parser.parse_args(argv)
    data = generate(args.wheel_dir.expanduser())
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
