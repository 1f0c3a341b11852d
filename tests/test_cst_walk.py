"""`cst_walk.walk` visits what libcst's own `visit` visits (whitespace, comments and
punctuation left out), in the same order, with the same hooks."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from goldens import FIXTURES
from hub_dist_lint.cst_walk import TRIVIA, walk
from hub_dist_lint.rules import all_rules

_SOURCES = sorted(FIXTURES.rglob("*.py")) + [Path(__file__).parent.parent / "hub_dist_lint" / "fixing.py"]


class _Trace(cst.CSTVisitor):
    """Every visit and leave, in order; trivia left out when libcst walks it too."""

    def __init__(self, skip_trivia: bool):
        super().__init__()
        self.skip_trivia = skip_trivia
        self.seen = []

    def on_visit(self, node) -> bool:
        if self.skip_trivia and isinstance(node, TRIVIA):
            return False
        self.seen.append(("visit", node))
        return not isinstance(node, cst.Lambda)  # a hook that stops the descent is obeyed

    def on_leave(self, original_node) -> None:
        if not (self.skip_trivia and isinstance(original_node, TRIVIA)):
            self.seen.append(("leave", original_node))


def _same_walk(source: str) -> None:
    module = cst.parse_module(source)
    by_libcst, by_walk = _Trace(skip_trivia=True), _Trace(skip_trivia=False)
    module.visit(by_libcst)
    walk(module, by_walk)
    assert [(e, id(n)) for e, n in by_walk.seen] == [(e, id(n)) for e, n in by_libcst.seen]
    assert not any(isinstance(n, TRIVIA) for _, n in by_walk.seen)


@pytest.mark.parametrize("path", _SOURCES, ids=lambda p: p.name)
def test_walk_visits_in_libcsts_order(path):
    _same_walk(path.read_text())


def test_walk_visits_rule_examples_in_libcsts_order():
    for rule in all_rules():
        for example in list(rule.VALID) + [i.code for i in rule.INVALID]:
            _same_walk(example)


def test_a_visitor_with_a_trivia_hook_is_walked_by_libcst():
    class Comments(cst.CSTVisitor):
        def __init__(self):
            super().__init__()
            self.found = []

        def visit_Comment(self, node):
            self.found.append(node.value)

    comments = Comments()
    walk(cst.parse_module("x = f(  # one\n    1)  # two\n"), comments)
    assert comments.found == ["# one", "# two"]


def test_a_visitor_class_made_per_call_is_not_kept():
    """Analyses define small visitor classes inside functions; walking with one must not
    keep the class alive (a language server walks for hours)."""
    import gc
    import weakref

    import libcst as cst

    from hub_dist_lint.cst_walk import walk

    module = cst.parse_module("a.b(c)\n")
    seen = []

    def one_walk():
        class Names(cst.CSTVisitor):
            def visit_Name(self, node):
                seen.append(node.value)

        walk(module, Names())
        return weakref.ref(Names)

    gone = one_walk()
    gc.collect()
    assert seen == ["a", "b", "c"] and gone() is None
