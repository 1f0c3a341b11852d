"""Fixes rendered statement by statement (edits.local_edits) against the whole-module route.

Local rendering only generates the statements a fix changed; these tests hold it to
the whole-module route on every fix of every fixture and of the rules' examples.
"""

from dataclasses import replace
from pathlib import Path

import pytest

from hub_dist_lint.config import Config
from hub_dist_lint.edits import apply_edits, local_edits, text_edits
from hub_dist_lint.engine import analyze
from hub_dist_lint.fixing import apply_fixes, fix_as_json, fix_source, fixed_text
from hub_dist_lint.rules import all_rules

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = sorted(FIXTURES.rglob("*.py"))
EXAMPLES = [example.code for rule in all_rules() for example in rule.INVALID]


def _fixes(text):
    analysis = analyze(text, "t.py", fixes=True)
    return analysis, [d.fix for d in analysis.diagnostics if d.fix is not None]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_each_fix_renders_as_the_whole_module_does(path):
    analysis, fixes = _fixes(path.read_text())
    for fix in fixes:
        whole = apply_fixes(analysis.module, [fix]).code
        new, edits = fixed_text(analysis, [fix])
        assert new == whole
        assert apply_edits(analysis.text, edits) == whole
        assert apply_edits(analysis.text, text_edits(analysis.text, whole)) == whole
        assert edits == text_edits(analysis.text, whole)  # the very edits a whole diff gives


@pytest.mark.parametrize("code", EXAMPLES)
def test_rule_examples_render_as_the_whole_module_does(code):
    analysis, fixes = _fixes(code)
    if fixes:
        assert fixed_text(analysis, fixes)[0] == apply_fixes(analysis.module, fixes).code


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_entering_only_the_paths_to_what_a_fix_changes_applies_it_as_a_full_visit(path):
    """A fix that says where it acts is applied entering only the nodes on the way to
    what it replaces or removes: the same module as visiting everything (`within` None)."""
    analysis, fixes = _fixes(path.read_text())
    for fix in fixes:
        if fix.within is not None:
            everywhere = apply_fixes(analysis.module, [replace(fix, within=None)])
            assert apply_fixes(analysis.module, [fix]).code == everywhere.code


DECORATED = '''\
from absl.testing import parameterized
from tensorflow.python.framework import constant_op
from tensorflow.python.platform import test


class Trim(test.TestCase, parameterized.TestCase):

    @parameterized.parameters([
        dict(segments=[[1, 2], [3]], expected=[[1], [3]]),
        dict(segments=[[4, 5, 6]], expected=[[4]]),
    ])
    def test_trim(self, segments, expected):
        self.assertAllEqual(constant_op.constant(segments), expected)
'''


def test_what_a_fix_does_not_reach_stays_the_same_objects():
    """The fix of `constant_op` rewrites one call in a test method: the method's
    decorator (a table of cases, in real test files thousands of nodes) is neither
    rebuilt nor generated, and the edit is the one line."""
    analysis, fixes = _fixes(DECORATED)
    fix = next(d.fix for d in analysis.diagnostics if d.line == 2)
    assert fix.within is not None
    method = analysis.module.body[3].body.body[0]
    fixed_method = apply_fixes(analysis.module, [fix]).body[3].body.body[0]
    assert fixed_method is not method and fixed_method.decorators[0] is method.decorators[0]
    new, edits = fixed_text(analysis, [fix])
    assert new == apply_fixes(analysis.module, [replace(fix, within=None)]).code
    assert [e["line"] for e in edits] == [2, 13]
    assert "tf.constant(segments)" in edits[1]["content"]


def test_fixes_that_say_where_they_act_are_rendered_locally():
    """Import fixes (HDL1, HDL4, HDL503) declare where they act: none of them generates
    the whole module."""
    declared = local = 0
    for path in SOURCES:
        analysis, fixes = _fixes(path.read_text())
        for fix in fixes:
            if fix.within is None:
                continue
            declared += 1
            new = apply_fixes(analysis.module, [fix])
            local += local_edits(analysis.module, new, analysis.text, analysis.tree) is not None
    assert declared > 40 and local == declared, (local, declared)


NESTED = '''\
import os  # keep


class Model:
    """Doc."""

    def fit(self):
        # a comment inside
        if os.environ.get("X"):
            from tensorflow.python.platform import tf_logging as logging
            logging.warning("a")
            return 1
        with open("f") as f:
            x = """multi
line"""
            return f.read()
'''


def test_nested_statements_render_in_place_with_their_indentation():
    analysis, fixes = _fixes(NESTED)
    assert fixes and all(f.within is not None for f in fixes)
    new, edits = fixed_text(analysis, fixes)
    assert new == apply_fixes(analysis.module, fixes).code
    assert "tf.compat.v1.logging.warning" in new and 'x = """multi\nline"""' in new
    assert all(e["line"] > 7 for e in edits)  # nothing above the `if` is regenerated


CLASS_HEADERS = '''\
import os
# isort: off

from tensorflow.python.ops import variables
from tensorflow.python.framework import ops


@ops.RegisterGradient("Identity")
class Holder(variables.Variable):
    """A long class: only its header and one line of it change."""

    def one(self):
        return os.sep

    def two(self):
        return ops.convert_to_tensor(1)

    def three(self):
        return 3
'''


def test_a_changed_class_header_is_generated_alone(monkeypatch):
    """A fix that changes a class's header (a base, a decorator) and a line of its body
    generates the header and that line's statement, not the whole class; the edits are
    those one diff of the whole file gives."""
    analysis, fixes = _fixes(CLASS_HEADERS)
    assert fixes and all(f.within is not None for f in fixes)
    import libcst as cst

    generated = []
    code_for_node = cst.Module.code_for_node
    monkeypatch.setattr(cst.Module, "code_for_node",
                        lambda self, node: generated.append(node) or code_for_node(self, node))
    for fix in fixes:
        whole = apply_fixes(analysis.module, [fix]).code
        new, edits = fixed_text(analysis, [fix])
        assert new == whole and edits == text_edits(analysis.text, whole)
    assert generated and not any(isinstance(n, cst.ClassDef) and n.body.body for n in generated)


@pytest.mark.parametrize("name", ["issue_example", "module_aliases", "partial_statement",
                                  "pragma_comments", "function_scope"])
def test_fixer_writes_what_the_whole_module_route_writes(name):
    source = (FIXTURES / "private_imports" / "fix" / f"{name}.in.py").read_bytes()
    analysis, fixes = _fixes(source)
    assert fixes
    # every fix planned, applied together (the fixer's unsafe ones too)
    assert fix_source(source, config=Config(unsafe_fixes=True))[0] == apply_fixes(analysis.module, fixes).bytes
    for diag in analysis.diagnostics:
        if diag.fix is not None:
            edits = fix_as_json(analysis, diag)["edits"]
            assert apply_edits(analysis.text, edits) == apply_fixes(analysis.module, [diag.fix]).code
