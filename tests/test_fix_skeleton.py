"""Import fixes planned on a skeleton of the file (fix_skeleton.py) are the fixes planned on
the whole file: same findings, messages, reasons and edits; a fix whose edits would reach a
blanked line is refused and planned on the whole file instead."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from goldens import FIXTURES, settings
from hub_dist_lint.config import Config
from hub_dist_lint.engine import PartialTreeMiss, analyze
from hub_dist_lint.fix_skeleton import Skeleton, skeleton
from hub_dist_lint.fixing import fix_as_json, fix_source
from hub_dist_lint.rules import all_rules

SOURCE = '''\
"""A module."""
import os
from tensorflow.python.platform import tf_logging as logging

X = 1


@decorator
class A(object):
    """A."""

    def f(self):
        y = 2
        if y:
            logging.warning("x")
        elif y > 3:
            z = 1
        else:
            q = 2
        return y

    def g(self):
        return 3  # a comment


def h(): return logging.info("a")
a = 1; b = 2
try:
    import foo
except ImportError:
    foo = None
'''


def test_a_skeleton_blanks_what_reads_none_of_the_names_and_keeps_every_line_number():
    cut = skeleton(SOURCE, ast.parse(SOURCE), {"logging"})
    old, new = SOURCE.splitlines(), cut.text.splitlines()
    assert len(old) == len(new)
    assert {n for n, (a, b) in enumerate(zip(old, new), 1) if a != b} <= cut.blanked
    assert all(old[n - 1] == new[n - 1] for n in range(1, len(old) + 1) if n not in cut.blanked)
    kept = [line for line in new if line.strip() and line.strip() != "pass"]
    assert kept == ["import os", "from tensorflow.python.platform import tf_logging as logging",
                    "@_", "class A(object):", "    def f(self):", "        if y:",
                    '            logging.warning("x")', "        elif y > 3:", "        else:",
                    'def h(): return logging.info("a")', "a = 1; b = 2", "try:", "    import foo",
                    "except ImportError:"]
    # the same statements in every list: both parsers read it, with as many statements
    tree, module = ast.parse(cut.text), cst.parse_module(cut.text)
    assert len(tree.body) == len(ast.parse(SOURCE).body) and len(module.body) == 8
    assert len(tree.body[4].body[1].body) == len(ast.parse(SOURCE).body[4].body[1].body) == 3


@pytest.mark.parametrize("text", [
    "import a\nx = 1\r\ny = 2\n",  # \r: lines Python and str.splitlines number alike, kept simple
    "import a\nx = 1\x0c\ny = 2\n",  # a form feed splits a str line Python does not
])
def test_text_whose_lines_cannot_be_cut_gets_no_skeleton(text):
    assert skeleton(text, ast.parse(text), {"a"}) is None


def test_nothing_to_blank_gives_no_skeleton():
    text = "import tensorflow.python.x as x\nx.y()\n"
    assert skeleton(text, ast.parse(text), {"x"}) is None


TABLE = '''\
import tensorflow as tf
from tensorflow.python.platform import tf_logging as logging


class T(object):

    @parameterized.parameters([
        # the cases
        dict(level=1, expected="a test"),
        dict(level=2, expected="test"),
    ])
    @keep(logging.INFO)
    def testLevel(self, level, expected):
        logging.warning("x")
        return level
'''


def test_a_kept_statements_decorators_that_read_no_name_are_blanked():
    """A test method's table of cases reads none of the names: it stands as `@_`, its
    lines empty (the same numbers); a decorator reading a name is kept, and so is every
    decorator where `_` is a name (it would be read where the file does not)."""
    cut = skeleton(TABLE, ast.parse(TABLE), {"logging"})
    new = cut.text.splitlines()
    assert new[6] == "    @_" and new[7:11] == [""] * 4
    assert set(range(7, 12)) <= cut.blanked
    assert new[11:14] == TABLE.splitlines()[11:14] and new[14] == "        pass"
    method = ast.parse(cut.text).body[2].body[0]
    assert [d.lineno for d in method.decorator_list] == [7, 12]
    assert skeleton(TABLE, ast.parse(TABLE), {"_", "logging"}).text.splitlines()[6:11] == \
        TABLE.splitlines()[6:11]


def test_a_fix_planned_past_a_blanked_decorator_is_the_whole_files():
    partial = analyze(TABLE, "t.py", Config(), fixes=True, partial=True)
    whole = analyze(TABLE, "t.py", Config(), fixes=True, module=cst.parse_module(TABLE))
    assert partial.skeleton is not None and 8 in partial.skeleton.blanked
    assert _planned(partial) == _planned(whole)
    fixed, done, left = fix_source(TABLE.encode(), "t.py", Config())
    assert b'tf.compat.v1.logging.warning("x")' in fixed and b"@keep(tf.compat.v1.logging.INFO)" in fixed
    assert b'expected="a test"' in fixed and b"tf_logging" not in fixed


def test_edits_reaching_a_blanked_line_do_not_apply():
    cut = Skeleton("pass\nimport a\n", frozenset({1}))
    assert cut.applies([{"line": 2, "end_line": 3}])
    assert not cut.applies([{"line": 1, "end_line": 2}])
    assert not cut.applies([{"line": 1, "end_line": 1}])  # an insertion before it


def _planned(analysis):
    return [(d.code, d.message, d.line, d.column, d.end_line, d.end_column,
             fix_as_json(analysis, d), d.no_fix_reason) for d in analysis.diagnostics]


def _cases():
    for path in sorted(FIXTURES.glob("*/lint/*.py")) + sorted(FIXTURES.glob("*/fix/*.in.py")):
        yield f"{path.parent.parent.name}/{path.parent.name}/{path.name}", path.read_text(), \
            str(path), settings(path)
    for rule in all_rules():
        for index, example in enumerate(rule.INVALID):
            yield f"{rule.code}-{index}", example.code, "x.py", Config()


_CASES = list(_cases())


@pytest.mark.parametrize("name,source,path,config", _CASES, ids=[c[0] for c in _CASES])
def test_fixes_planned_on_a_skeleton_are_the_whole_files(name, source, path, config):
    partial = analyze(source, path, config, fixes=True, partial=True)
    whole = analyze(source, path, config, fixes=True, module=cst.parse_module(source))
    try:
        planned = _planned(partial)
    except PartialTreeMiss:
        assert partial.skeleton is not None
        return  # the callers plan on the whole file then
    assert planned == _planned(whole)


def test_the_skeleton_route_was_taken_where_it_could_be():
    """The comparison above compares something: enough cases took the skeleton."""
    used = [name for name, source, path, config in _CASES
            if analyze(source, path, config, fixes=True, partial=True).skeleton is not None]
    assert len(used) >= 5, used


def test_hub_dist_fix_writes_what_a_whole_file_plan_writes():
    """A file whose fix runs through several functions and classes: the skeleton's edits,
    applied to the file, give the file the whole-file plan gives."""
    source = SOURCE.replace("import os\n", "import os\nimport tensorflow as tf\n")
    fixed, done, left = fix_source(source.encode(), "m.py", Config())
    assert b"tf.compat.v1.logging.warning" in fixed and b"tf_logging" not in fixed
    whole = analyze(source, "m.py", Config(), fixes=True, module=cst.parse_module(source))
    edits = [e for d in whole.diagnostics if d.fix for e in fix_as_json(whole, d)["edits"]]
    lines = source.splitlines(True)
    for edit in sorted(edits, key=lambda e: e["line"], reverse=True):
        lines[edit["line"] - 1:edit["end_line"] - 1] = [edit["content"]]
    assert fixed.decode() == "".join(lines)
    assert analyze(source, "m.py", Config(), fixes=True, partial=True).skeleton is not None
