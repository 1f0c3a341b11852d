"""Dotted names of ``ast`` attribute chains, shared by the generators of this package."""

from __future__ import annotations

import ast
from typing import List, Optional, Tuple


def attribute_path(node) -> Tuple[List[str], bool]:
    """The names of ``a.b.c`` in source order and whether the chain starts at a plain
    name: (["a", "b", "c"], True); for ``f().b.c`` the attributes only, (["b", "c"], False)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    rooted = isinstance(node, ast.Name)
    if rooted:
        parts.append(node.id)
    return parts[::-1], rooted


def name_chain(node) -> Optional[List[str]]:
    """``a.b.c`` -> ["a", "b", "c"]; None unless the chain starts at a plain name."""
    parts, rooted = attribute_path(node)
    return parts if rooted else None
