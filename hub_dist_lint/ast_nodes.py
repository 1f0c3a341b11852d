"""`ast` trees of the files read: parsed quietly, and every node of one listed once.

`parse_quietly` is the one parse of a user's file into an `ast` tree: its warnings are not
ours to print, and a grammar newer than this Python gives None (the libcst route then
reads it or says why).

Every node of an `ast` tree, in `ast.walk`'s order, listed once per tree:

Several cheap checks of one file (HDL3xx's and HDL203-205's pre-checks, the position
index, the `# noqa` check) each walked the whole `ast` tree; `ast.walk` costs about
half an `ast.parse`. The list of the last tree asked for is kept (one file is linted at
a time in a process), and built without `ast.walk`'s generators.
"""

from __future__ import annotations

import ast
import warnings
from collections import deque
from typing import List, Optional, Tuple

def parse_quietly(text: str) -> Optional[ast.Module]:
    """The `ast` tree of a file's text, or None where Python's parser rejects it."""
    try:
        with warnings.catch_warnings():  # the user's code warnings are not ours to print
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


_last: Optional[Tuple[ast.AST, List[ast.AST]]] = None


def all_nodes(tree: ast.AST) -> List[ast.AST]:
    """`list(ast.walk(tree))` (breadth first, children in field order). Do not change it."""
    global _last
    if _last is not None and _last[0] is tree:
        return _last[1]
    found: List[ast.AST] = []
    todo = deque([tree])
    pop, extend, append, AST = todo.popleft, todo.extend, found.append, ast.AST
    while todo:
        node = pop()
        append(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                todo.append(value)
            elif isinstance(value, list):
                extend([item for item in value if isinstance(item, AST)])
    _last = (tree, found)
    return found
