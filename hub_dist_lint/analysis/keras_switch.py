"""`TF_USE_LEGACY_KERAS` in source: where a file sets it, and whether it is set in time.

Measured under TF 2.21 + tf-keras 2.21 + tensorflow-hub 0.16.1, each ordering run as its
own program (tests/test_tf_legacy_switch.py keeps the table true):

- TensorFlow reads ``os.environ`` (``os.putenv`` never counts) and takes only ``"1"``,
  ``"true"`` and ``"True"``; ``os.environ[...] = ``, ``setdefault`` and ``update`` all work.
- ``import tensorflow`` decides where ``from tensorflow.keras import ...`` and
  ``import tensorflow.keras`` go; ``tf.keras.<name>`` decides at its first access. Importing
  ``keras``, ``tf_keras`` or ``tensorflow_hub`` imports TensorFlow; ``tensorflow_hub`` also
  reads ``tf.keras`` on import.
- ``hub.KerasLayer(handle)`` runs ``from tensorflow.keras.saving.saved_model import ...``,
  which rebinds ``tf.keras`` to whatever ``import tensorflow`` chose: in a file that makes
  hub layers, the switch must run before TensorFlow is imported.

Only what the file proves counts: statements that surely ran before the switch (the
straight-line simple statements before it in each enclosing block, up to the module).

The fixes write the switch as a module-level `if` (`switch_lines`): pycodestyle's E402
("module level import not at top of file") allows `if`/`try` blocks among the imports, but
not the assignment or `os.environ.setdefault(...)` call. The guard also keeps a value the
environment already gives: whoever runs with `TF_USE_LEGACY_KERAS=0` asked for Keras 3.
Such a guarded setting counts as a module-level one.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Iterator, List, Optional, Sequence, Tuple

import libcst as cst

from ..cst_walk import walk
from ..imports import dotted_name
from .names import Names

VARIABLE = "TF_USE_LEGACY_KERAS"
ACCEPTED = ("1", "true", "True")  # tensorflow/__init__.py, python/util/lazy_loader.py
_KERAS_ROOTS = ("tensorflow", "keras", "tf_keras", "tensorflow_hub")
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ("os", "sys"))) | {"__future__"}


@dataclass(frozen=True)
class Load:
    """A statement that imports TensorFlow (`loads_keras` False) or loads tf.keras."""

    line: cst.SimpleStatementLine = field(repr=False)
    what: str  # "import tensorflow_hub", "from tensorflow.keras import ...", "tf.keras.layers"
    loads_keras: bool


@dataclass(frozen=True)
class Switch:
    """A statement that sets TF_USE_LEGACY_KERAS to a value meaning "on"."""

    small: cst.BaseSmallStatement  # the Assign, or the Expr holding the call
    line: cst.SimpleStatementLine
    how: str  # "assign", "setdefault", "update", "putenv"
    value: str
    top_level: bool  # a statement of the module body itself (or of its `if` guard)
    before: Tuple[Load, ...]  # loads that surely ran before it
    guard: Optional[cst.If] = field(default=None, repr=False)  # `if VARIABLE not in os.environ:`

    @property
    def accepted(self) -> bool:
        return self.how != "putenv" and self.value in ACCEPTED


def _string(node) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value if isinstance(node.evaluated_value, str) else None
    return None


def _switch_value(small, names: Names) -> Optional[Tuple[str, str]]:
    """(how, value) if `small` sets TF_USE_LEGACY_KERAS to a literal meaning "on"."""
    found = _setting(small, names)
    if found is None or found[1] is None or found[1].strip().lower() not in ("1", "true"):
        return None  # not ours, not a literal, or deliberately off ("0", "false")
    return found


def _setting(small, names: Names) -> Optional[Tuple[str, Optional[str]]]:
    """(how, literal value or None) if `small` sets TF_USE_LEGACY_KERAS."""
    found = None
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if (isinstance(target, cst.Subscript) and names.path_of(target.value) == "os.environ"
                and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index)
                and _string(target.slice[0].slice.value) == VARIABLE):
            found = ("assign", _string(small.value))
    elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        found = _call_value(small.value, names)
    return found


def _call_value(call: cst.Call, names: Names):
    func = call.func
    args = call.args
    if names.path_of(func) == "os.putenv" and len(args) == 2 and _string(args[0].value) == VARIABLE:
        return "putenv", _string(args[1].value)
    if not isinstance(func, cst.Attribute) or names.path_of(func.value) != "os.environ":
        return None
    how = func.attr.value
    if how == "setdefault" and len(args) == 2 and _string(args[0].value) == VARIABLE:
        return how, _string(args[1].value)
    if how == "update" and len(args) == 1 and args[0].keyword is None and \
            isinstance(args[0].value, cst.Dict):
        for element in args[0].value.elements:
            if isinstance(element, cst.DictElement) and _string(element.key) == VARIABLE:
                return how, _string(element.value)
    if how == "update":
        for arg in args:
            if arg.keyword is not None and arg.keyword.value == VARIABLE:
                return how, _string(arg.value)
    return None


class _KerasAccess(cst.CSTVisitor):
    """The first `tf.keras.<name>` read in a statement, outside lambdas and conditionals."""

    # code that may not run when the statement does: a read there proves nothing
    NOT_ENTERED = (cst.Lambda, cst.IfExp, cst.BooleanOperation, cst.GeneratorExp)

    def __init__(self, names: Names):
        super().__init__()
        self.names = names
        self.found: Optional[str] = None

    def on_visit(self, node) -> bool:
        return not isinstance(node, self.NOT_ENTERED) and super().on_visit(node)

    def visit_Attribute(self, node):
        if self.found is None and isinstance(node.value, cst.Attribute):
            path = self.names.path_of(node.value)
            if path == "tensorflow.keras":
                self.found = dotted_name(node) or "tf.keras.<name>"
        return self.found is None


def _load_of(line: cst.SimpleStatementLine, names: Names) -> Optional[Load]:
    for small in line.body:
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            load = _import_load(line, small)
            if load is not None:
                return load
            continue
        access = _KerasAccess(names)
        walk(small, access)
        if access.found:
            return Load(line, access.found, True)
    return None


def _import_load(line, small) -> Optional[Load]:
    if isinstance(small, cst.Import):
        for alias in small.names:
            path = dotted_name(alias.name) or ""
            if path.split(".")[0] in _KERAS_ROOTS:
                keras = path == "tensorflow.keras" or path.startswith(("tensorflow.keras.",
                                                                       "tensorflow_hub"))
                return Load(line, f"import {path}", keras)
        return None
    if small.relative or small.module is None:
        return None
    path = dotted_name(small.module) or ""
    if path.split(".")[0] not in _KERAS_ROOTS:
        return None
    keras = path == "tensorflow.keras" or path.startswith(("tensorflow.keras.", "tensorflow_hub"))
    return Load(line, f"from {path} import ...", keras)


def find_switches(module: cst.Module, names: Names) -> List[Switch]:
    """Every statement that turns the switch on, with the loads that surely ran before it."""
    found: List[Switch] = []

    def walk(body: Sequence[cst.CSTNode], before: Tuple[Load, ...], top: bool,
             guard: Optional[cst.If] = None):
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    setting = _switch_value(small, names)
                    if setting is not None:
                        found.append(Switch(small, stmt, setting[0], setting[1], top, before, guard))
                load = _load_of(stmt, names)
                if load is not None:
                    before = before + (load,)
                continue
            guarded = top and guard is None and is_unset_guard(stmt, names)
            for suite in _suites(stmt):
                if isinstance(suite, cst.IndentedBlock):
                    walk(suite.body, before, guarded, stmt if guarded else None)

    walk(module.body, (), True)
    return found


class _Mentions(cst.CSTVisitor):
    """Small statements holding the string "TF_USE_LEGACY_KERAS"."""

    def __init__(self):
        super().__init__()
        self.small: List[cst.CSTNode] = []
        self.current: Optional[cst.CSTNode] = None

    def on_visit(self, node):
        if isinstance(node, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
            self.current = node  # a compound one: the string is in its header
        elif isinstance(node, cst.SimpleString) and _string(node) == VARIABLE and self.current:
            self.small.append(self.current)
        return super().on_visit(node)


def set_some_other_way(module: cst.Module, names: Names) -> bool:
    """The code names TF_USE_LEGACY_KERAS other than in a literal setting (a value computed,
    a read, a helper): what it makes of tf.keras cannot be told."""
    mentions = _Mentions()
    walk(module, mentions)
    for small in mentions.small:
        if is_unset_guard(small, names):
            continue  # the guard of a setting, which is read on its own
        setting = _setting(small, names) if isinstance(small, cst.BaseSmallStatement) else None
        if setting is None or setting[1] is None:
            return True
    return False


def is_unset_guard(stmt, names: Names) -> bool:
    """`if "TF_USE_LEGACY_KERAS" not in os.environ:` holding only simple statements, no else."""
    if not isinstance(stmt, cst.If) or stmt.orelse is not None:
        return False
    test = stmt.test
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.NotIn)
            and _string(test.left) == VARIABLE
            and names.path_of(test.comparisons[0].comparator) == "os.environ"):
        return False
    body = stmt.body
    return isinstance(body, cst.IndentedBlock) and all(
        isinstance(s, cst.SimpleStatementLine) for s in body.body)


def _suites(stmt) -> Iterator[cst.BaseSuite]:
    """The blocks of a compound statement (an `elif` chain's too)."""
    if isinstance(getattr(stmt, "body", None), cst.BaseSuite):
        yield stmt.body
    orelse = getattr(stmt, "orelse", None)
    if isinstance(orelse, cst.If):
        yield from _suites(orelse)
    elif orelse is not None:
        yield orelse.body
    finalbody = getattr(stmt, "finalbody", None)
    if finalbody is not None:
        yield finalbody.body
    for handler in getattr(stmt, "handlers", ()) or ():
        yield handler.body
    for case in getattr(stmt, "cases", ()) or ():
        yield case.body


def late_because(switch: Switch, makes_hub_layers: bool, imports_tf_keras: bool) -> Optional[Load]:
    """The load that makes the switch come too late, or None when it is in time.

    After a load of tf.keras it has no effect at all; after an import of TensorFlow it
    misses `from tensorflow.keras import` and, in a file that makes hub layers, everything
    (hub.KerasLayer re-imports tensorflow.keras)."""
    for load in switch.before:
        if load.loads_keras:
            return load
    if switch.before and (makes_hub_layers or imports_tf_keras):
        return switch.before[0]
    return None


def earliest_anchor(module: cst.Module) -> Optional[cst.CSTNode]:
    """The first module statement that could import TensorFlow: not the docstring, not a
    `from __future__` import, not an import of standard-library modules only."""
    for index, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            return stmt
        if all(_harmless(small, index) for small in stmt.body):
            continue
        return stmt
    return None


def _harmless(small, index: int) -> bool:
    if index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, cst.BaseString):
        return True
    if isinstance(small, cst.ImportFrom):
        module = dotted_name(small.module) if small.module is not None else None
        return not small.relative and module is not None and module.split(".")[0] in _STDLIB
    if isinstance(small, cst.Import):
        return all((dotted_name(a.name) or "").split(".")[0] in _STDLIB for a in small.names)
    return False


def binds_os_before(module: cst.Module, anchor: cst.CSTNode) -> bool:
    """A plain module-level `import os` runs before `anchor`."""
    for stmt in module.body:
        if stmt is anchor:
            return False
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(
                        dotted_name(a.name) == "os" and a.asname is None for a in small.names):
                    return True
    return False


def switch_statement(value: str = "1") -> str:
    return f'os.environ["{VARIABLE}"] = "{value}"'


def switch_lines(value: str = "1") -> str:
    """The setting the fixes write: E402-clean, and a value the environment gives wins."""
    return f'if "{VARIABLE}" not in os.environ:\n    {switch_statement(value)}'
