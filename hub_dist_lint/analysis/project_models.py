"""Hub layers that pass between the modules of the project being linted (issue 22).

TFX's BERT example makes `hub.KerasLayer(...)` in one module and hands it to
`build_bert_classifier(bert_layer, ...)` of another, which calls it on Keras 3 inputs; a
helper module may return a hub layer (or define a `hub.KerasLayer` subclass) that a
notebook puts into a Keras 3 model. Neither file alone proves the failure; the two do.

What is followed, and only where the callee is known:
- a name the file imports at its top from a module of the project (`from .models import
  build`, `from utils import models` then `models.build`, `import utils.models as m`),
  resolved to a file the way Python would find it: relative imports from the file's
  package, absolute ones from the file's directory (a script's `sys.path[0]`) or a
  directory above it up to the project root; never a module of an installed
  package (tensorflow, keras, numpy, ...) and never the standard library;
- in that module, a module-level function or class of that name (or a name its own
  top-level imports bring from another project module: `__init__.py` re-exports).

What a module gives is a `ModuleModels` summary, built once per file content by the
caller's `summarize` (the Keras 3 rule: it owns what Keras 3 means in a file), and only
as far as the name asked of it needs.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from .. import project_reads
from ..gates import line_matches, names_identifier
from .entry_point import project_root

# modules never taken from the project: a file named like them is not what Python imports
# in a program that has them installed
_INSTALLED_ROOTS = frozenset({"tensorflow", "keras", "tf_keras", "tensorflow_hub", "numpy",
                              "tensorflow_text", "tf_slim", "absl", "six", "pandas", "sklearn"})
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))
_MAX_HOPS = 3  # re-exports followed


@dataclass(frozen=True)
class ParameterReach:
    """A function parameter that reaches a Keras 3 model in its own module when it is a
    hub layer: what a caller's hub layer runs into there."""

    index: Optional[int]  # its position among the positional parameters (None: keyword-only)
    how: str  # "sequential", "add", "functional" or "wrapped" (keras_models.Reach.how)
    line: int
    spelled: str  # how that module spells the Keras 3 API it reaches (tf.keras.Sequential, ...)


@dataclass(frozen=True, eq=False)
class ModuleModels:
    """What one module of the project does with hub layers, by its module-level names."""

    path: str
    returns_hub: frozenset = frozenset()  # functions every `return` of which gives a hub layer
    hub_classes: frozenset = frozenset()  # classes deriving from hub.KerasLayer
    # function -> parameter -> where it reaches a Keras 3 model
    parameters: Dict[str, Dict[str, ParameterReach]] = field(default_factory=dict)
    # classes deriving from a Keras 3 Model or Layer -> the import path of that base
    keras3_classes: Dict[str, str] = field(default_factory=dict)
    # the module's Keras is only tf.keras (no `import keras`, nothing Keras 3 only), so
    # TF_USE_LEGACY_KERAS=1 set before TensorFlow is imported turns it into tf-keras
    switchable: bool = False
    # module-level names it imports from other modules: name -> (module, level, attribute)
    imported: Dict[str, Tuple[str, int, Optional[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Callee:
    """A module-level name of another project module, as this file reaches it."""

    models: ModuleModels
    name: str

    def where(self, root: str) -> str:
        return os.path.relpath(self.models.path, root)


class ProjectModels:
    """The project modules a file imports, and what their names do with hub layers.
    `summarize(path, name)` gives a module's summary, true at least of `name` and of the
    module's imports (None when it cannot be read)."""

    def __init__(self, path: str, tree: Optional[ast.Module],
                 summarize: Callable[[str, str], Optional[ModuleModels]]):
        self.path = os.path.abspath(path) if path and not path.startswith("<") else None
        self.root = project_root(self.path) if self.path else ""
        self._summarize = summarize
        self._imported = top_level_imports(tree) if tree is not None and self.path else {}

    def imports_hub_maker(self, imported: Optional[Iterable[Tuple[str, int, Optional[str]]]] = None) -> bool:
        """A module this file imports at its top (or these (module, level, name) imports)
        may give hub layers: its text, or for a package a module beside its `__init__.py`,
        names KerasLayer."""
        if self.path is None:
            return False
        for module, level, name in self._imported.values() if imported is None else imported:
            # `from package import name`: the submodule `name`, else the package
            path = name is not None and self._module_file(self.path, f"{module}.{name}" if module else name, level)
            path = path or self._module_file(self.path, module, level)
            if path and _makes_hub_layers(path):
                return True
        return False

    def callee(self, bound: str, attribute: Optional[str] = None) -> Optional[Callee]:
        """The project module-level name that `bound` (a name this file imports at its top)
        or `bound.attribute` (a module it imports) stands for."""
        found = self._imported.get(bound)
        if found is None:
            return None
        module, level, name = found
        if name is not None and attribute is not None:
            # `from package import module` then `module.f`: a submodule
            module, level, name = (f"{module}.{name}" if module else name), level, attribute
        elif name is None:
            if attribute is None:
                return None
            name = attribute
        return self._resolve(self.path, module, level, name, 0)

    def _resolve(self, importer: str, module: str, level: int, name: str, hops: int) -> Optional[Callee]:
        path = self._module_file(importer, module, level)
        if path is None:
            return None
        models = self._summarize(path, name)
        if models is None:
            return None
        if (name in models.returns_hub or name in models.hub_classes or name in models.parameters
                or name in models.keras3_classes):
            return Callee(models, name)
        if name in models.imported and hops < _MAX_HOPS:
            module, level, attribute = models.imported[name]
            if attribute is not None:
                return self._resolve(path, module, level, attribute, hops + 1)
        return None

    def _module_file(self, importer: str, module: str, level: int) -> Optional[str]:
        parts = module.split(".") if module else []
        if level:
            base = os.path.dirname(importer)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            bases = [base]
        else:
            if not parts or parts[0] in _INSTALLED_ROOTS or parts[0] in _STDLIB:
                return None
            bases = _search_bases(importer, self.root)
        if not parts:  # `from . import name`: the package itself
            init = os.path.join(bases[0], "__init__.py")
            return init if project_reads.is_file(init) else None
        for base in bases:
            stem = os.path.join(base, *parts)
            for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
                if project_reads.is_file(candidate) and _inside(candidate, self.root):
                    return candidate
        return None


def imports_hub_maker(text: str, path: str) -> bool:
    """`ProjectModels.imports_hub_maker` read from the text's import lines (a gate: no parse)."""
    imported: List[Tuple[str, int, Optional[str]]] = []
    for match in line_matches(_IMPORT_LINE, text, "import"):
        dots, module, names, plain = match.group(1), match.group(2), match.group(3), match.group(4)
        if plain is not None:
            imported += [(m.split()[0], 0, None) for m in plain.split(",") if m.strip()]
        else:
            imported += [(module or "", len(dots or ""), n.split()[0]) for n in
                         names.strip("()").replace("\\", "").split(",") if n.strip() and n.strip() != "*"]
    return bool(imported) and ProjectModels(path, None, lambda _path, _name: None).imports_hub_maker(imported)


_IMPORT_LINE = re.compile(r"^(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^#\n;]*)|"
                          r"import[ \t]+([\w. \t,]+))", re.M)


@project_reads.remembered(maxsize=1024)
def _text_names_keras_layer(path: str) -> bool:
    data = project_reads.read_bytes(path)
    return data is not None and names_identifier(data, b"KerasLayer")


def _makes_hub_layers(path: str, hops: int = 0) -> bool:
    if _text_names_keras_layer(path):
        return True
    if hops or not path.endswith("__init__.py"):
        return False
    # a package's __init__.py re-exporting from its modules
    directory = os.path.dirname(path)
    return any(_makes_hub_layers(os.path.join(directory, name), 1)
               for name in project_reads.list_dir(directory) or ()
               if name.endswith(".py") and name != "__init__.py")


def top_level_imports(tree: ast.Module) -> Dict[str, Tuple[str, int, Optional[str]]]:
    """Names the module's top-level statements import: bound -> (module, level, attribute);
    attribute None for `import a.b as m` (m is the module). A name imported twice: dropped."""
    found: Dict[str, Tuple[str, int, Optional[str]]] = {}
    twice = set()

    def bind(name: str, value) -> None:
        if name in found:
            twice.add(name)
        found[name] = value

    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname or "." not in alias.name:  # `import a.b` binds `a`, not a.b
                    bind(alias.asname or alias.name, (alias.name, 0, None))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    bind(alias.asname or alias.name, (node.module or "", node.level, alias.name))
    for name in twice:
        del found[name]
    return found


def module_classes(tree: ast.Module) -> frozenset:
    """Names of the classes the module defines in its own scope (in `if`, `try`, ... blocks
    too; not those inside a function or class)."""
    found = set()
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.ClassDef):
            found.add(node.name)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                todo.extend(getattr(node, field, ()))
    return frozenset(found)


def _search_bases(importer: str, root: str) -> Tuple[str, ...]:
    """Where an absolute import of a project module may be found: the importer's directory
    (a script's sys.path[0]) and each directory above it up to the project root (where a
    program run from there, `python -m package.module` or a script above, puts it)."""
    bases = []
    directory = os.path.dirname(importer)
    while True:
        bases.append(directory)
        if directory == root or not _inside(directory, root):
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return tuple(bases)


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([os.path.abspath(path), root]) == root
