"""Is a .py file proven to be what first imports TensorFlow in the programs that run it?

`TF_USE_LEGACY_KERAS=1` at the top of a file takes effect only where that file runs before
anything imports TensorFlow (analysis/keras_switch.py). A `__main__` block does not prove
it: a model module with a smoke test is imported by the project's training script, after
that script imported TensorFlow. What counts as proof, read from the file and the project
being linted (never by running anything):

- the file is on disk (a snippet on stdin has no project to read);
- no other Python file or notebook of the project imports it: no import statement (nor
  `importlib.import_module("...")`) names its module, read over the project's files;
- it is not a module of a package whose `__init__.py` (up the chain) imports anything but
  the standard library: `python -m package.module` runs those first.

The project is the nearest directory upward holding `.git`, `pyproject.toml`, `setup.py`
or `setup.cfg`; with none, the file's own directory (where `python script.py` resolves a
sibling's `import script`). A program outside the project can still import the file, which
is why the switch in a .py file stays an unsafe fix even where proven.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
from typing import Dict, FrozenSet, Optional, Tuple

from ..gates import line_matches
from .. import project_reads

_PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg")
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ("os", "sys"))) | {"__future__"}
_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^#\n]*)|"
                          r"import[ \t]+([^#\n]*))", re.M)
_IMPORT_CALL = re.compile(r"""(?:import_module|__import__)\(\s*["']([\w.]+)["']""")
_WORD = re.compile(r"\w+")


def project_root(path: str) -> str:
    """The nearest directory upward with a project marker, else the file's directory."""
    return _project_root_of(os.path.dirname(os.path.abspath(path)))


@project_reads.remembered(maxsize=256)
def _project_root_of(start: str) -> str:
    current = start
    while True:
        if any(project_reads.exists(os.path.join(current, m)) for m in _PROJECT_MARKERS):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return start
        current = parent


def why_not_entry_point(path: str) -> Optional[str]:
    """None when `path` is proven to be what first imports TensorFlow; else why not."""
    if path.startswith("<") or not project_reads.is_file(path):
        return "no file on disk: nothing shows which program runs it"
    absolute = os.path.abspath(path)
    module = os.path.splitext(os.path.basename(absolute))[0]
    root = project_root(absolute)
    importers = sorted(p for p in _importers(root).get(module, ()) if p != absolute)
    if importers:
        shown = os.path.relpath(importers[0], root)
        more = f" and {len(importers) - 1} more" if len(importers) > 1 else ""
        return (f"{shown}{more} import{'' if more else 's'} a module named {module} (this file, "
                "perhaps after TensorFlow)")
    package_import = _package_import(os.path.dirname(absolute))
    if package_import:
        return package_import
    return None


def _package_import(directory: str) -> Optional[str]:
    """Why the package chain above a module runs TensorFlow-capable code first, or None."""
    while project_reads.is_file(os.path.join(directory, "__init__.py")):
        init = os.path.join(directory, "__init__.py")
        for name in _imported_modules(init):
            if name.split(".")[0] not in _STDLIB:
                return (f"it is a module of package {os.path.basename(directory)}, whose "
                        f"__init__.py imports {name} first")
        directory = os.path.dirname(directory)
    return None


def _imported_modules(path: str) -> Tuple[str, ...]:
    data = project_reads.read_bytes(path)
    try:
        if data is None:
            raise ValueError(path)
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return ("(an unreadable __init__.py)",)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append("." * node.level + (node.module or ""))
    return tuple(found)


@project_reads.remembered(maxsize=16)
def _importers(root: str) -> Dict[str, FrozenSet[str]]:
    """Every word an import of a project file names (module path parts and imported names),
    with the files that name it: a superset of the modules each file imports."""
    index: Dict[str, set] = {}
    for path, data in project_reads.source_files(root):
        for word in _import_words(_source_text(path, data)):
            index.setdefault(word, set()).add(path)
    return {word: frozenset(paths) for word, paths in index.items()}


def _source_text(path: str, data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    if not path.endswith(".ipynb"):
        return text
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return text  # unreadable JSON: its raw text, read as loosely
    sources = []
    for cell in cells if isinstance(cells, list) else []:
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        sources.append("".join(source) if isinstance(source, list) else str(source))
    return "\n".join(sources)


def _import_words(text: str):
    if "import" not in text:
        return set()
    words = set()
    for match in line_matches(_IMPORT_LINE, text, "import"):
        for part in (match.group(1), match.group(2), match.group(3)):
            if part:
                words.update(_WORD.findall(part))
    if "import_module(" in text or "__import__(" in text:  # what _IMPORT_CALL starts with
        for match in _IMPORT_CALL.finditer(text):
            words.update(match.group(1).split("."))
    return words
