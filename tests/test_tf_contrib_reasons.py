"""HDL304's reasons for not fixing a tf.contrib.distribute call are true of the TF 2
class under TensorFlow 2.21: each claim about a parameter is checked on the real
signature."""

import inspect
import re

import pytest

from hub_dist_lint.engine import lint

pytestmark = pytest.mark.tf
tf = pytest.importorskip("tensorflow")

CALLS = [
    'tf.contrib.distribute.OneDeviceStrategy("device:CPU:0")',
    "tf.contrib.distribute.OneDeviceStrategy()",
    "tf.contrib.distribute.MirroredStrategy(num_gpus=2)",
    'tf.contrib.distribute.MirroredStrategy(devices=["/cpu:0"], num_gpus=2)',
    "tf.contrib.distribute.MirroredStrategy(*devices)",
    "tf.contrib.distribute.CollectiveAllReduceStrategy(num_gpus_per_worker=1)",
]


def _reason(call):
    (diagnostic,) = [d for d in lint(f"import tensorflow as tf\nx = {call}\n", fixes=True)
                     if d.code == "HDL304"]
    assert diagnostic.fix is None, call
    return diagnostic.no_fix_reason


def _parameters(public):
    target = tf
    for part in public.split(".")[1:]:
        target = getattr(target, part)
    return inspect.signature(target.__init__).parameters


@pytest.mark.parametrize("call", CALLS)
def test_reason_is_true_of_the_tf2_signature(call):
    reason = _reason(call)
    named = re.search(r"(tf\.[\w.]+)\(\)", reason)
    if named is None:  # a *-argument: a claim about the call only
        assert reason.startswith("a *-argument"), reason
        return
    params = _parameters(named.group(1))
    takes_no = re.search(r"takes no argument '(\w+)'", reason)
    requires = re.findall(r"'(\w+)'", reason.split("requires", 1)[1]) if "requires" in reason else []
    if takes_no:
        assert takes_no.group(1) not in params, reason
    elif requires:
        for name in requires:
            assert params[name].default is inspect.Parameter.empty, reason
    elif "positional argument" in reason:
        # the claim is only that the TF 1 signature is unknown; the TF 2 class does take
        # positional arguments, as the reason must not deny
        assert any(p.kind == p.POSITIONAL_OR_KEYWORD for n, p in params.items() if n != "self")
        assert "does not take" not in reason and "not ones" not in reason
    else:
        pytest.fail(f"a reason this test does not know: {reason}")


def test_one_device_strategy_takes_the_device_positionally():
    assert list(_parameters("tf.distribute.OneDeviceStrategy")) == ["self", "device"]
    assert "positional" in _reason('tf.contrib.distribute.OneDeviceStrategy("device:CPU:0")')
