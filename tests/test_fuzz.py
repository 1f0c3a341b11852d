"""Generated programs through lint and fix: no crash; fixes re-parse and are idempotent.

A short run lives here; `python bench/fuzz.py --examples N` runs a long one.
"""

import libcst as cst
import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from hub_dist_lint.diagnostics import LintError  # noqa: E402
from hub_dist_lint.engine import lint  # noqa: E402
from hub_dist_lint.fixing import fix_source  # noqa: E402

# Lines that make generated code interesting to the rules.
PREFIX = st.sampled_from([
    "",
    "from tensorflow.python.framework import ops\n",
    "import tensorflow as tf\nimport tensorflow_hub as hub\nstrategy = tf.distribute.MirroredStrategy()\n",
    "from tensorflow.python.keras.layers import Dense\nimport tensorflow_hub as hub\n",
])
SUFFIX = st.sampled_from([
    "",
    "\nx = ops.convert_to_tensor(1)\n",
    "\nlayer = hub.KerasLayer('m')\nwith strategy.scope():\n    model = layer\n",
    "\nd = Dense(3)\n",
])


def check(code: str) -> None:
    try:
        lint(code)
        new, _, _ = fix_source(code.encode())
    except LintError:
        return  # a clear refusal is allowed; a crash is not
    if new == code.encode():
        return  # nothing written (files no rule can concern are not even parsed)
    cst.parse_module(new)
    compile(new, "<fuzz>", "exec")
    assert fix_source(new)[0] == new


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(prefix=PREFIX, body=hypothesmith.from_grammar(), suffix=SUFFIX)
def test_generated_programs(prefix, body, suffix):
    check(prefix + body + suffix)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(prefix=PREFIX, body=hypothesmith.from_node(), suffix=SUFFIX)
def test_generated_syntax_trees(prefix, body, suffix):
    check(prefix + body + suffix)
