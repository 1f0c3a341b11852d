"""fixing.apply_fixes on hand-made plans: statements that fixes ensure before an anchor."""

import libcst as cst

from hub_dist_lint.diagnostics import Ensure, Fix
from hub_dist_lint.fixing import apply_fixes, fix_source

SOURCE = "import sys\nimport tensorflow as tf  # the first import\nx = 1\n"


def _plan(module, anchor_index, *texts, remove_anchor=False):
    anchor = module.body[anchor_index]
    ensures = tuple(Ensure(anchor, text, module, (anchor_index, i)) for i, text in enumerate(texts))
    remove = (anchor.body[0],) if remove_anchor else ()
    return Fix("test", remove=remove, ensure=ensures)


def test_several_texts_for_one_anchor_keep_their_order():
    module = cst.parse_module(SOURCE)
    fixes = [_plan(module, 1, "import os\nos.environ['A'] = '1'", "import tf_keras")]
    assert apply_fixes(module, fixes).code == (
        "import sys\nimport os\nos.environ['A'] = '1'\nimport tf_keras\n"
        "import tensorflow as tf  # the first import\nx = 1\n")


def test_same_text_twice_is_one_copy():
    module = cst.parse_module(SOURCE)
    fixes = [_plan(module, 1, "import tf_keras"), _plan(module, 1, "import tf_keras")]
    assert apply_fixes(module, fixes).code.count("import tf_keras\n") == 1


def test_emptied_anchor_takes_the_last_line_and_keeps_its_comment():
    module = cst.parse_module(SOURCE)
    fixes = [_plan(module, 1, "import os\nimport tf_keras", remove_anchor=True)]
    assert apply_fixes(module, fixes).code == (
        "import sys\nimport os\nimport tf_keras  # the first import\nx = 1\n")


def test_comments_before_an_ensured_statement_go_with_it_and_a_statement_goes_once():
    module = cst.parse_module(SOURCE)
    fixes = [_plan(module, 1, "# why\nx = 0", "x = 0", "import os\nx = 0")]
    assert apply_fixes(module, fixes).code == (
        "import sys\n# why\nx = 0\nimport os\nimport tensorflow as tf  # the first import\nx = 1\n")


def test_the_next_pass_reads_the_fixed_tree_instead_of_parsing_again(monkeypatch):
    """A pass whose result still has a finding to plan (here an unsafe fix, not applied)
    lints the tree the fix made instead of parsing its text again; what it finds is what
    a fresh parse finds."""
    from hub_dist_lint import engine
    from hub_dist_lint.config import Config

    source = (b"from tensorflow.python.framework.ops import name_scope_v1\n"
              b"from tensorflow.python.distribute.mirrored_strategy import MirroredStrategy\n"
              b"strategy = MirroredStrategy()\n")
    parses = []
    parse = engine.parse
    monkeypatch.setattr(engine, "parse", lambda *args: parses.append(args) or parse(*args))
    new, fixed, left = fix_source(source, "x.py", Config())
    assert len(fixed) == 1 and b"tf.distribute.MirroredStrategy()" in new
    assert len(parses) == 1  # the first pass's; the second read the fixed tree
    fresh = engine.analyze(new, "x.py", Config(), fixes=True)
    assert fresh.parsed and [(d.code, d.message, d.line) for d in fresh.diagnostics] == \
        [(d.code, d.message, d.line) for d in left]
