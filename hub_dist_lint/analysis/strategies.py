"""Recognising distribution strategies and their scopes in source, without running it.

Shared by the hub-scope rules (HDL2xx) and the removed-API rules (HDL3xx): a
method call is only ever matched on a receiver that is a strategy.
"""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst


# Constructors whose call creates a new strategy object.
_CONSTRUCTOR = re.compile(
    r"^tensorflow(?:\.compat\.v[12])?\.(?:distribute(?:\.experimental)?|contrib\.distribute)"
    r"\.\w*Strategy(?:V[12])?$"
    r"|^tensorflow\.python\.distribute\.[\w.]*\.\w*Strategy(?:V[12])?$"
)
_GET_STRATEGY = re.compile(r"^tensorflow(?:\.compat\.v[12])?\.distribute\.get_strategy$")


def is_constructor(path: Optional[str]) -> bool:
    return bool(path) and bool(_CONSTRUCTOR.match(path))


def is_get_strategy(path: Optional[str]) -> bool:
    return bool(path) and bool(_GET_STRATEGY.match(path))


def strategy_named(node: cst.CSTNode) -> bool:
    """`strategy`, `self._strategy`, `STRATEGY`, `mirrored_strategy`, `get_strategy()`."""
    if isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Attribute):
        node = node.attr
    return isinstance(node, cst.Name) and node.value.lower().endswith("strategy")


def scope_receiver(node: cst.CSTNode) -> Optional[cst.CSTNode]:
    """X for an `X.scope()` call expression, else None."""
    if (isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "scope"):
        return node.func.value
    return None
