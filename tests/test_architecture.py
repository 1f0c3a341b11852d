"""The layout's promises, checked: no import cycle between the package's modules, and
no module reaching into another module's underscore names."""

import ast
from pathlib import Path


PACKAGE = Path(__file__).resolve().parent.parent / "hub_dist_lint"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path):
    """(imported module, names) for every import of the file, relative ones resolved."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text("utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(block.test) for n in ast.walk(block)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue  # imports for type annotations only never run
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rsplit(".", 1)[0]
            module = (base + "." + node.module if node.module else base) if node.level else node.module
            yield module, [a.name for a in node.names], node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node


def _packages_run(dotted: str, modules) -> list:
    """What Python runs for an import of `dotted`: each package's `__init__.py` on the
    way down (`a`, `a.b` for `a.b.c`), then the module itself."""
    parts = dotted.split(".")
    return [m for m in (".".join(parts[:k]) for k in range(1, len(parts) + 1)) if m in modules]


def _graph():
    """module -> the modules its imports run. `import a.b.c` and `from a.b.c import n`
    run `a/__init__.py` and `a/b/__init__.py` first; `from a.b import c` runs `a.b.c`
    too when it is a module. A module's own packages are left out: Python has already
    started them before it runs the module, so they add nothing to the order."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges = {}
    for name, path in modules.items():
        found = set()
        for module, names, _ in _imports(path):
            if module is None:
                continue
            found.update(_packages_run(module, modules))
            found.update(f"{module}.{n}" for n in names if f"{module}.{n}" in modules)
        edges[name] = {m for m in found if m != name and not name.startswith(m + ".")}
    return edges


def test_no_import_cycle():
    edges = _graph()
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])


def test_graph_counts_the_packages_an_import_runs():
    edges = _graph()
    # `from .rules.private_imports import x` outside the rules package runs rules/__init__.py
    assert "hub_dist_lint.rules" in edges["hub_dist_lint.engine"]
    # a package's own submodules, imported by its __init__.py, are edges (it runs them)
    assert "hub_dist_lint.rules.namespace_imports" in edges["hub_dist_lint.rules"]
    # and a submodule's own package is not (it is already running)
    assert "hub_dist_lint.rules" not in edges["hub_dist_lint.rules.base"]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_reaches_into_another_modules_private_names():
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        bound = set()  # local names of imported modules of the package
        for module, names, node in _imports(path):
            if not (module or "").startswith("hub_dist_lint"):
                continue
            for n in names:
                if f"{module}.{n}" in modules:
                    bound.add(n)
                elif _private(n):
                    offenders.append(f"{path.name}:{node.lineno} imports {module}.{n}")
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in bound and _private(node.attr)):
                offenders.append(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert offenders == []


# Looks at the file system a rule or an analysis might make (what it reads of the project
# decides findings, so each must be recorded for the cache: hub_dist_lint/project_reads.py).
_FILE_SYSTEM_CALLS = frozenset({
    "open", "io.open", "tokenize.open", "gzip.open", "os.open", "os.stat", "os.lstat",
    "os.listdir", "os.scandir", "os.walk", "os.access", "os.path.isfile", "os.path.isdir",
    "os.path.exists", "os.path.lexists", "os.path.islink", "os.path.getmtime",
    "os.path.getsize", "os.path.realpath", "glob.glob", "glob.iglob"})
_FILE_SYSTEM_MODULES = frozenset({"pathlib", "glob", "shutil"})


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def test_rules_and_analyses_look_at_the_project_only_through_project_reads():
    checked = [*sorted((PACKAGE / "analysis").rglob("*.py")), *sorted((PACKAGE / "rules").rglob("*.py")),
               PACKAGE / "checking.py", PACKAGE / "engine.py"]
    found = []
    for path in checked:
        tree = ast.parse(path.read_text("utf-8"))
        where = path.relative_to(PACKAGE.parent)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _dotted(node.func) in _FILE_SYSTEM_CALLS:
                found.append(f"{where}:{node.lineno} calls {_dotted(node.func)}")
            elif isinstance(node, ast.Import):
                found += [f"{where}:{node.lineno} imports {a.name}" for a in node.names
                          if a.name.split(".")[0] in _FILE_SYSTEM_MODULES]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 \
                    and (node.module or "").split(".")[0] in _FILE_SYSTEM_MODULES | {"os"} \
                    and (node.module != "os" or any(a.name != "path" for a in node.names)):
                found.append(f"{where}:{node.lineno} imports from {node.module}")
    assert len(checked) > 20 and found == []
