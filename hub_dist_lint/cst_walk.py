"""A read-only walk of a libcst tree: libcst's visiting order, without rebuilding the tree.

`node.visit(visitor)` rebuilds every node it passes, even for a read-only `CSTVisitor`
(libcst's `_visit_and_replace_children` constructs and validates a copy of each node): on
a large file one walk costs about a third of its parse, and the expression rules walk a
file several times. `walk` calls the same `on_visit`/`on_leave` hooks in the same order,
reading each node type's children in the order libcst visits them (recorded from libcst
itself, once per type), builds nothing, and does not enter whitespace, comments and
punctuation (about 60% of the nodes of a file), which the analyses never look at.
A visitor with hooks for those (`visit_Comment`, ...) is walked by libcst instead.
tests/test_cst_walk.py checks the order against libcst's own on every golden.
"""

from __future__ import annotations

import weakref
from typing import Dict, Tuple

import libcst as cst

# Nodes that hold no expression or statement: whitespace, comments, newlines, tokens.
TRIVIA: Tuple[type, ...] = (
    cst.BaseParenthesizableWhitespace, cst.TrailingWhitespace, cst.Newline, cst.EmptyLine,
    cst.Comment, cst.Comma, cst.Dot, cst.Colon, cst.Semicolon, cst.AssignEqual,
    cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket,
    cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.BaseBinaryOp, cst.BaseBooleanOp,
    cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp, cst.ImportStar, cst.Asynchronous,
)
# node type -> the fields holding children that are not trivia, in libcst's visiting order
_FIELDS: Dict[type, Tuple[str, ...]] = {}
# visitor type -> whether it may be walked here (no hook for a trivia node); weak: a visitor
# class made inside a function comes and goes with each call, and so does its entry
_WALKABLE: "weakref.WeakKeyDictionary[type, bool]" = weakref.WeakKeyDictionary()


def _subclasses(base: type):
    for sub in base.__subclasses__():
        yield sub
        yield from _subclasses(sub)


_TRIVIA_TYPES = frozenset(t for base in TRIVIA for t in (base, *_subclasses(base)))
_TRIVIA_NAMES = frozenset(t.__name__ for t in _TRIVIA_TYPES)


class _FieldOrder(cst.CSTVisitor):
    """Records the fields libcst visits, in order, without entering them."""

    def __init__(self):
        super().__init__()
        self.fields = []

    def on_visit(self, node) -> bool:
        return False

    def on_leave(self, original_node) -> None:
        pass

    def on_visit_attribute(self, node, attribute) -> None:
        self.fields.append(attribute)

    def on_leave_attribute(self, original_node, attribute) -> None:
        pass


def _fields_of(node: cst.CSTNode) -> Tuple[str, ...]:
    recorder = _FieldOrder()
    node._visit_and_replace_children(recorder)  # libcst's own order; the copy is dropped
    fields = tuple(dict.fromkeys(recorder.fields))
    _FIELDS[type(node)] = fields
    return fields


def _walkable(visitor: cst.CSTVisitor) -> bool:
    kind = type(visitor)
    known = _WALKABLE.get(kind)
    if known is None:
        # libcst's CSTVisitor defines an empty hook for every node type: only overrides count
        hooks = {name.split("_")[1] for name in dir(kind) if name.startswith(("visit_", "leave_"))
                 and getattr(kind, name) is not getattr(cst.CSTVisitor, name, None)}
        known = _WALKABLE[kind] = not (hooks & _TRIVIA_NAMES)
    return known


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """`node.visit(visitor)` for a read-only visitor, whitespace and punctuation skipped."""
    if not _walkable(visitor):
        node.visit(visitor)
        return
    _walk(node, visitor, visitor.on_visit, visitor.on_leave)


# value type -> what the walk does with a field's value: enters a node (a CSTNode, not
# trivia), looks into a sequence, or skips it. `isinstance` on CSTNode, an abstract base
# class, costs a Python-level __instancecheck__ per value; this is one dict lookup.
_SKIP, _NODE, _SEQUENCE = 0, 1, 2


class _Ways(dict):
    def __missing__(self, kind: type) -> int:
        way = self[kind] = (_SEQUENCE if issubclass(kind, (tuple, list)) else
                            _NODE if issubclass(kind, cst.CSTNode) and kind not in _TRIVIA_TYPES else _SKIP)
        return way


_WAY = _Ways()


def _walk(node, visitor, on_visit, on_leave) -> None:
    if on_visit(node):
        fields = _FIELDS.get(type(node)) or _fields_of(node)
        for name in fields:
            value = getattr(node, name)
            way = _WAY[type(value)]
            if way == _NODE:
                _walk(value, visitor, on_visit, on_leave)
            elif way == _SEQUENCE:
                for item in value:
                    if _WAY[type(item)] == _NODE:
                        _walk(item, visitor, on_visit, on_leave)
    on_leave(node)
