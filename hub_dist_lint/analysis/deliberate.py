"""Hub models kept outside a strategy scope on purpose: the HDL2xx exemptions.

The hub docs run preprocessing models and tokenizers in `tf.data` pipelines, outside
any scope; inference models built next to a strategy and read only outside it are
fine too. What breaks is variables made outside and used by what runs inside.
These word lists are heuristics: each one gives up a finding, never adds one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from .scoped_values import (CALLED, OTHER_ATTRIBUTE, PASSED, SYMBOLIC, TRAINED, ScopedValue, ValueGraph,
                        ScopeProof,
                        names_in)

_PREPROCESSING_WORDS = ("preprocess", "tokeniz")
_HANDLE_WORDS = ("handle", "url", "path", "link", "model", "dir")


def close_pipeline_names(graph: ValueGraph) -> None:
    """Add the names used inside functions that are handed to dataset.map() and kin."""
    functions = [u for u in graph.units if u.kind == "function"
                 and u.node.name.value in graph.pipeline_names]
    for unit in functions:
        graph.pipeline_names |= names_in(unit.node.body)


def preprocessing_name(text: Optional[str]) -> bool:
    """Preprocessors and tokenizers: the hub docs run them in tf.data, outside a scope."""
    return bool(text) and any(word in text.lower() for word in _PREPROCESSING_WORDS)


def wraps_a_function(hub: ScopedValue) -> bool:
    """`hub.KerasLayer(loaded.signatures[...])`-style: wraps a function of an object loaded
    elsewhere, so it has no variables of its own."""
    if hub.api != "hub.KerasLayer" or not hub.call.args:
        return False
    handle = hub.call.args[0].value
    if not isinstance(handle, cst.Attribute):
        return False
    last = handle.attr.value.lower()
    return not any(word in last for word in _HANDLE_WORDS)


def is_deliberate(hub: ScopedValue, graph: ValueGraph) -> bool:
    """The hub model is kept outside the scope on purpose (see the module docstring)."""
    if hub.target and hub.target in graph.pipeline_names:
        return True  # a tf.data preprocessor: the hub docs keep it outside
    if preprocessing_name(hub.target):
        return True
    handle = hub.call.args[0].value if hub.call.args else None
    if isinstance(handle, cst.SimpleString) and preprocessing_name(handle.value):
        return True
    if hub.unit.kind == "function" and preprocessing_name(hub.unit.node.name.value):
        return True
    return wraps_a_function(hub)


def value_sites(hub: ScopedValue, proof: ScopeProof):
    """(unit, name, statement order) where the hub call's value is held: its own target,
    or, when its function returns it (directly, by name, or in a tuple), what each caller
    assigns the result to. None: the value goes somewhere this module does not show."""
    unit = hub.unit
    returned = _returned_directly(hub)
    index = None
    if not returned and hub.target is not None and hub.target in unit.returns:
        returned, index = True, unit.returns[hub.target]
    if not returned:
        return [(unit, hub.target, hub.order)] if hub.target else None
    sites = []
    for caller, site in proof.callers.get(id(unit), []):
        targets = site.targets
        if targets is None:
            return None
        if index is None:
            if len(targets) != 1:
                return None
            sites.append((caller, targets[0], site.order))
        elif index < len(targets):
            sites.append((caller, targets[index], site.order))
        else:
            return None
    return sites or None


def _returned_directly(hub: ScopedValue) -> bool:
    return hub.target is None and isinstance(hub.statement, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Return) for small in hub.statement.body)


@dataclass(frozen=True)
class ValueUse:
    """What the code does with a hub call's value inside strategy scopes."""

    builds_in_scope: bool  # passed to a model, trained, or called on a keras.Input in a scope
    runs_in_scope: bool  # called on tensors (or through an attribute) in a scope
    trains_plainly: bool = False  # its variables trained outside any scope and strategy.run


def value_use(hub: ScopedValue, graph: ValueGraph, proof: ScopeProof) -> ValueUse:
    """Follows the value through its name and through returns to callers (see value_sites).
    Where the value goes somewhere not shown, nothing is known: no use is claimed.

    A value put into a model in a scope is a fault when that model is trained (compiled,
    fitted, its variables read): measured on TF 2.21, a model built in the scope but only
    used for `predict`, never compiled, runs with the layer made outside."""
    builds = runs = replica = plain = False
    for unit, target, order in value_sites(hub, proof) or ():
        if target in unit.returns:
            continue  # handed on again: where it is used is not shown here
        for read in graph.reads_of(unit, target, order):
            if read.kind == TRAINED:
                plain = plain or read.scope is None
                builds = builds or read.scope is not None
            elif read.kind in (CALLED, OTHER_ATTRIBUTE):
                runs = runs or read.scope is not None
            elif _trained_in_scope(graph, unit, read, read.scope is not None, set()):
                builds = True
        for inner in graph.replica_units(unit, target):
            replica = replica or any(read.kind == TRAINED
                                     for read in graph.reads_of(inner, target, -1))
    return ValueUse(builds or replica, runs, trains_plainly=plain)


def _trained_in_scope(graph: ValueGraph, unit, read, scoped: bool, seen: set,
                      depth: int = 0) -> bool:
    """What the read put the value into (`layer = hub.KerasLayer(loaded)`, `model =
    Sequential([layer])`) is then trained (compiled, fitted, its trainable variables
    used), a scope having been entered on the way; followed through a few such steps."""
    holder = read.holder
    if holder is None or holder in seen or depth > 4:
        return False
    seen.add(holder)
    for later in graph.reads_of(unit, holder, read.order - 1):
        here = scoped or later.scope is not None
        if later.kind == TRAINED and here:
            return True
        if later.kind in (PASSED, SYMBOLIC) and _trained_in_scope(graph, unit, later, here, seen,
                                                                  depth + 1):
            return True
    return False
