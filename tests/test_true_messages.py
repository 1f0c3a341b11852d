"""Messages that say only what is true on the target (issue 21): the text of HDL503's
failure sentence, HDL403's hints, HDL303's reasons, HDL502's and explain's wording.
The claims themselves are checked under real TensorFlow in the tf-marked tests
(test_tf_hdl503_failures.py, test_tf_hints.py, ...)."""

from hub_dist_lint.config import Config
from hub_dist_lint.engine import lint


def messages(source, code, target="2.21"):
    return [d.message for d in lint(source, config=Config(select=(code,), target_tf=target))
            if d.code == code]


def test_hdl503_says_the_import_fails_on_the_target():
    [message] = messages("from keras.utils import tf_utils\n", "HDL503")
    assert message.endswith("; from keras.utils import tf_utils fails on TF 2.21 with keras "
                            "3.15.1: cannot import name 'tf_utils' from 'keras.utils'"), message
    [message] = messages("import keras.utils.layer_utils\n", "HDL503")
    assert "import keras.utils.layer_utils fails on TF 2.21" in message
    assert "No module named 'keras.utils.layer_utils'" in message


def test_hdl503_says_nothing_of_failing_where_the_import_works():
    [message] = messages("from keras.src.layers.core.dense import Dense\n", "HDL503")
    assert "fails" not in message, message
    [message] = messages("from keras.engine.training import Model\n", "HDL503", target="2.12")
    assert "fails" not in message, message
