"""Import findings decided from `ast` (import_scan.py, checking.ImportScan) are the very
findings the libcst route makes: same codes, messages and spans."""

from __future__ import annotations

import libcst as cst
import pytest

from goldens import FIXTURES, settings
from hub_dist_lint.config import Config
from hub_dist_lint.engine import LintError, analyze
from hub_dist_lint.fixing import fix_as_json
from hub_dist_lint.import_scan import scan_imports
from hub_dist_lint.imports import collect_imports
from hub_dist_lint.rules import all_rules

import ast


def _found(analysis):
    return [(d.code, d.message, d.line, d.column, d.end_line, d.end_column)
            for d in analysis.diagnostics]


def _both_routes(source: str, path: str = "x.py", config: Config = None, fixes: bool = False):
    """(findings by whichever route the engine picks, findings by the libcst route)."""
    config = config or Config()
    chosen = analyze(source, path, config, fixes=fixes)
    full = analyze(source, path, config, fixes=fixes, module=cst.parse_module(source))
    return chosen, full


def _found_and_fixed(analysis):
    """Findings, with their fixes as JSON edits and why the others have none."""
    return [(d.code, d.message, d.line, d.column, fix_as_json(analysis, d), d.no_fix_reason)
            for d in analysis.diagnostics]


_GOLDENS = sorted(p for p in FIXTURES.glob("*/lint/*.py"))


@pytest.mark.parametrize("path", _GOLDENS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_the_scan_finds_what_libcst_finds_on_every_golden(path):
    chosen, full = _both_routes(path.read_text(), str(path), settings(path))
    assert _found(chosen) == _found(full)


_FIX_GOLDENS = sorted(p for p in FIXTURES.glob("*/fix/*.in.py"))


@pytest.mark.parametrize("path", _GOLDENS + _FIX_GOLDENS,
                         ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_with_fixes_asked_the_chosen_route_plans_what_libcst_plans(path):
    """With fixes asked for, a file whose findings have no fix to plan is not parsed with
    libcst, and checkers whose scan found nothing fixable keep the scan's findings: the
    findings, fixes and reasons are those of every checker run on the libcst tree."""
    chosen, full = _both_routes(path.read_text(), str(path), settings(path), fixes=True)
    assert _found_and_fixed(chosen) == _found_and_fixed(full)


def _found_with_fixes(analysis):
    """Findings, with their fixes as JSON edits (not why the others have none)."""
    return [(d.code, d.message, d.line, d.column, fix_as_json(analysis, d)) for d in analysis.diagnostics]


def _without_reasons(source: str, path: str, config: Config):
    """(fixes planned as for JSON, without reasons; as for hub-dist-fix, with them)."""
    bare = analyze(source, path, config, fixes=True, partial=True, fix_reasons=False)
    reasoned = analyze(source, path, config, fixes=True, partial=True)
    return bare, reasoned


@pytest.mark.parametrize("path", _GOLDENS + _FIX_GOLDENS,
                         ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_without_reasons_the_same_findings_have_the_same_fixes(path):
    """A finding `ast` proves to have no fix is not planned on a libcst tree when no
    reason is asked for (JSON, editors): every finding still has the fix it has when the
    reasons are planned too."""
    bare, reasoned = _without_reasons(path.read_text(), str(path), settings(path))
    assert _found_with_fixes(bare) == _found_with_fixes(reasoned)
    assert all(d.fix is None and d.no_fix_reason is None for d in bare.diagnostics if d.fix_settled)


def _examples():
    for rule in all_rules():
        for source in rule.VALID:
            yield rule.code, source
        for example in rule.INVALID:
            yield rule.code, example.code


@pytest.mark.parametrize("code,source", list(_examples()))
def test_the_scan_finds_what_libcst_finds_on_every_rule_example(code, source):
    chosen, full = _both_routes(source)
    assert _found(chosen) == _found(full)
    chosen, full = _both_routes(source, fixes=True)
    assert _found_and_fixed(chosen) == _found_and_fixed(full)
    bare, reasoned = _without_reasons(source, "x.py", Config())
    assert _found_with_fixes(bare) == _found_with_fixes(reasoned)


_NO_FIX = ("from tensorflow.python.framework import test_util\n\n"
           "@test_util.run_all_in_graph_and_eager_modes\nclass T:\n    pass\n")


# Where `ast` may settle that a private module import has no fix, and where a use the
# planner rewrites stands beside it: each is planned as for hub-dist-fix too, and compared.
_SETTLE_CASES = [
    _NO_FIX,
    # a member with a public name and one without: the plan fails on the second
    "from tensorflow.python.framework import test_util\nfrom tensorflow.python.util import nest\n"
    "nest.flatten([1])\nnest.map_structure_up_to(1, len, [1])\n"
    "@test_util.run_in_graph_and_eager_modes\ndef f():\n    pass\n",
    # the module object itself is used
    "from tensorflow.python.distribute import distribute_lib\nx = distribute_lib\n",
    # `import a.b as m`, read in a function and a class body
    "import tensorflow.python.framework.test_util as tu\n"
    "def f():\n    return tu.run_in_graph_and_eager_modes\n"
    "class A:\n    g = tu.TensorFlowTestCase\n",
    # imported in a function, shadowed in another
    "def f():\n    from tensorflow.python.framework import test_util\n"
    "    return test_util.run_in_graph_and_eager_modes\n"
    "def g(test_util):\n    return test_util.x\n",
    # a fallback import inside try:
    "try:\n    from tensorflow.python.framework import test_util\nexcept ImportError:\n"
    "    test_util = None\nprint(test_util.run_in_graph_and_eager_modes)\n",
    # in an f-string, and assigned to
    "from tensorflow.python.framework import test_util\n"
    "print(f'{test_util.run_in_graph_and_eager_modes}')\ntest_util.x = 1\n",
    # listed in __all__, and a module that is not used at all
    "from tensorflow.python.framework import test_util\nfrom tensorflow.python.util import nest\n"
    "__all__ = ['test_util']\nx = test_util.run_in_graph_and_eager_modes\n",
    # the frozen Keras copy, one import of it fixable and one not
    "from tensorflow.python.keras import layers\nfrom tensorflow.python.keras import backend\n"
    "layers.Dense(1)\nbackend.some_private_helper()\n",
    # a name the file rebinds, and a name read before it is imported
    "print(test_util)\nfrom tensorflow.python.framework import test_util\n"
    "test_util = test_util.run_in_graph_and_eager_modes\n",
]


@pytest.mark.parametrize("source", _SETTLE_CASES)
def test_settling_without_reasons_gives_the_fixes_planning_gives(source):
    bare, reasoned = _without_reasons(source, "x.py", Config())
    assert _found_with_fixes(bare) == _found_with_fixes(reasoned)
    assert [d.code for d in bare.diagnostics] == [d.code for d in reasoned.diagnostics]


def test_the_settled_route_is_taken_in_the_cases_above():
    """The comparison above compares something: most cases settle a finding."""
    settled = [source for source in _SETTLE_CASES
               if any(d.fix_settled for d in _without_reasons(source, "x.py", Config())[0].diagnostics)]
    assert len(settled) >= 6, settled


def test_a_module_import_whose_member_has_no_public_name_needs_no_libcst_tree_for_json():
    bare, reasoned = _without_reasons(_NO_FIX, "x.py", Config())
    assert [d.code for d in bare.diagnostics] == ["HDL103"] and bare.diagnostics[0].fix_settled
    assert bare.module is None and bare.diagnostics[0].fix is None
    # hub-dist-fix asks why: planned on the tree, the reason the planner gives
    assert reasoned.module is not None and reasoned.diagnostics[0].no_fix_reason == \
        "test_util.run_all_in_graph_and_eager_modes has no public name"


@pytest.mark.parametrize("source", [
    # every use has a public name: the plan rewrites them
    "from tensorflow.python.ops import math_ops\nmath_ops.add(1, 2)\n",
    # an unexported function with a public counterpart: whether a call fits is the tree's
    "from tensorflow.python.framework import ops\nops.convert_to_tensor(1, dtype_hint=None)\n",
    # a dotted plain import: its uses are planned on the tree
    "import tensorflow.python.framework.test_util\n"
    "tensorflow.python.framework.test_util.run_all_in_graph_and_eager_modes\n",
])
def test_what_ast_cannot_prove_unfixable_is_planned_on_the_tree(source):
    bare, reasoned = _without_reasons(source, "x.py", Config())
    assert not any(d.fix_settled for d in bare.diagnostics)
    assert _found_with_fixes(bare) == _found_with_fixes(reasoned)


SOURCE = """\
import os, tensorflow.python.framework.ops as ops
from . import sibling
from .pkg import thing
from tensorflow.python.keras import *
try:
    from tensorflow.contrib import slim
except ImportError:
    slim = None
if os.environ.get("X"):
    import tensorflow.python.eager.context
elif True:
    from tensorflow.python.ops import array_ops as aops, math_ops
else:
    import tensorflow.compat.v1 as tf1
class Model:
    from tensorflow.python.util import nest
    def f(self):
        with open("x") as f:
            import tensorflow.python.platform.gfile
        for _ in ():
            import keras.src.engine.training
        while False:
            pass
        else:
            from keras.engine import base_layer
match os.name:
    case "nt":
        import tensorflow.python.client.device_lib
    case _:
        pass
if True: import tensorflow.python.training.saver
"""


def test_the_scan_lists_the_imports_collect_imports_lists():
    scanned = [(i.path, i.bound, i.ordinal, i.is_star, i.is_plain_import)
               for i in scan_imports(ast.parse(SOURCE))]
    walked = [(i.path, i.bound, i.ordinal, i.is_star, i.is_plain_import)
              for i in collect_imports(cst.parse_module(SOURCE))]
    assert scanned == walked
    assert len(scanned) == 14  # relative imports skipped, but counted in the ordinals
    assert scanned[2][2] == 3  # the star import, after two relative ones


def test_a_file_with_import_findings_only_is_not_parsed_by_libcst():
    source = ("from tensorflow.python.distribute.mirrored_strategy import MirroredStrategy\n"
              "MirroredStrategy()\n")
    scanned = analyze(source, "x.py")
    assert [d.code for d in scanned.diagnostics] == ["HDL101"]
    assert not scanned.parsed and scanned.module is None
    # with fixes asked for, the file is parsed and the fix planned as before
    fixed = analyze(source, "x.py", fixes=True)
    assert fixed.parsed and fixed.diagnostics[0].fix is not None


def test_findings_that_never_have_a_fix_need_no_libcst_tree_for_fixes():
    # no public name (HDL102), a star import (HDL104): nothing to plan
    source = ("from tensorflow.python.distribute.values import AutoPolicy\n"
              "from tensorflow.python.keras import *\n")
    fixed = analyze(source, "x.py", fixes=True)
    assert [d.code for d in fixed.diagnostics] == ["HDL102", "HDL104"]
    assert not fixed.parsed and all(d.fix is None for d in fixed.diagnostics)
    # one fixable finding beside them: parsed, and planned
    fixable = analyze(source + "from tensorflow.python.distribute.mirrored_strategy import "
                      "MirroredStrategy\n", "x.py", fixes=True)
    assert fixable.parsed and [d.fix is not None for d in fixable.diagnostics] == [False, False, True]


def test_code_the_scan_cannot_rule_out_goes_to_libcst():
    source = ("import tensorflow as tf\nstrategy = tf.distribute.MirroredStrategy()\n"
              "strategy.experimental_run_v2(print)\n")
    analysis = analyze(source, "x.py")
    assert analysis.parsed
    assert [d.code for d in analysis.diagnostics] == ["HDL301"]


_CLASS_CHECK = "import tensorflow as tf\n{before}ok = isinstance(s, {classes})\n"
_OLD, _NEW = "tf.distribute.experimental.TPUStrategy", "tf.distribute.TPUStrategy"


@pytest.mark.parametrize("source", [
    # the class check already matches both classes: HDL303 has nothing to say
    _CLASS_CHECK.format(before="", classes=f"({_NEW}, {_OLD})"),
    _CLASS_CHECK.format(before="", classes=f"({_OLD}, *[x], tf.compat.v2.distribute.TPUStrategy)"),
    # a deprecated name neither called nor checked against
    "import tensorflow as tf\nkinds = [tf.distribute.experimental.TPUStrategy]\n",
])
def test_a_deprecated_name_the_scan_rules_out_skips_libcst(source):
    chosen, full = _both_routes(source)
    assert not chosen.parsed
    assert _found(chosen) == _found(full) == []


@pytest.mark.parametrize("source", [
    _CLASS_CHECK.format(before="", classes=_OLD),
    _CLASS_CHECK.format(before="", classes=f"({_OLD}, tf.distribute.MirroredStrategy)"),
    # `tf` may be another binding where the stable name is read: not certainly the stable class
    _CLASS_CHECK.format(before="def f(tf):\n    return tf\n", classes=f"({_NEW}, {_OLD})"),
    # a call of the deprecated name, through an alias of tf.distribute.experimental
    "from tensorflow.distribute import experimental as dx\nstrategy = dx.TPUStrategy(r)\n",
])
def test_a_deprecated_name_the_scan_cannot_rule_out_goes_to_libcst(source):
    chosen, full = _both_routes(source)
    assert chosen.parsed
    assert _found(chosen) == _found(full)
    if "def f" not in source:
        assert "HDL303" in [d.code for d in chosen.diagnostics]


def test_a_syntax_error_is_reported_as_before():
    source = "from tensorflow.python.framework import ops\nif True\n"
    with pytest.raises(LintError) as scanned:
        analyze(source, "x.py")
    with pytest.raises(LintError) as full:
        analyze(source, "x.py", fixes=True)
    assert (scanned.value.reason, scanned.value.line) == (full.value.reason, full.value.line)


@pytest.mark.parametrize("source,kept", [
    # a `# noqa` on another line of the finding's line group covers it (flake8 groups the
    # tokens between NL/NEWLINE: a backslash continuation, a multi-line string)
    ("from tensorflow.python.distribute.values import (  # noqa\n    PerReplica)\n", False),
    ("from tensorflow.python.distribute.values \\\n    import PerReplica  # noqa\n", False),
    ("x = '''a\n# noqa'''; from tensorflow.python.distribute.values import PerReplica\n", False),
    # flake8 ends the group at a line break inside brackets (checked with flake8 itself)
    ("x = (1,  # noqa\n     2); from tensorflow.python.distribute.values import PerReplica\n", True),
    # one in a statement of its own does not
    ("x = 1  # noqa\nfrom tensorflow.python.distribute.values import PerReplica\n", True),
    ("def f():\n    x = 1  # noqa: HDL101\n    from tensorflow.python.distribute.values import "
     "PerReplica\n", True),
])
def test_noqa_is_read_on_the_findings_logical_line_only(source, kept):
    chosen, full = _both_routes(source)
    assert _found(chosen) == _found(full)
    assert bool(chosen.diagnostics) == kept


def test_a_file_naming_keras_layer_without_a_hub_import_is_decided_from_ast():
    # HDL5xx looks at a file's code only where it imports tensorflow_hub (or sets the
    # legacy switch, or builds a model around a project module making hub layers)
    source = "import tensorflow as tf\n\n\nclass KerasLayerNet(tf.keras.layers.Layer):\n    pass\n"
    assert not analyze(source, "x.py").parsed
    source = ("import tensorflow as tf\nimport tensorflow_hub as hub\n\n"
              "model = tf.keras.Sequential([hub.KerasLayer('h')])\n")
    analysis = analyze(source, "x.py")
    assert analysis.parsed and [d.code for d in analysis.diagnostics] == ["HDL501"]
