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


def test_hdl403_hints_name_only_the_same_object_or_its_documented_successor():
    # tf.keras.estimator is Keras's model-to-estimator module (and only with tf-keras), not
    # tf.estimator: no hint rather than another object
    [message] = messages("from tensorflow import estimator\n", "HDL403")
    assert "has" not in message.split("it works with")[-1], message
    # tf.compat.v1.constant makes tensors; the import meant Keras's initializer
    [message] = messages("from tensorflow.compat.v1.python.keras.initializers import constant\n",
                         "HDL403")
    assert "tf.compat.v1.constant" not in message, message
    # TF's own losses are not Keras's: the private module itself, nothing else
    [message] = messages("import tensorflow.compat.v1.python.keras.losses\n", "HDL403")
    assert message.endswith("; TF 2.21 has tensorflow.python.keras.losses (private)"), message


def test_a_tf1_name_gets_the_successor_tensorflows_upgrade_table_gives():
    [message] = messages("from tensorflow.gfile import Exists\n", "HDL403")
    assert message.endswith("; TF 2.21 has tf.io.gfile.exists, tf.compat.v1.gfile.Exists, "
                            "tf.compat.v1.io.gfile.Exists") or "tf.io.gfile.exists" in message, message
    # a TF 1 module is kept in tf.compat.v1; tf.io.gfile is another module (other names)
    [message] = messages("import tensorflow.gfile\n", "HDL403")
    assert message.endswith("; TF 2.21 has tf.compat.v1.gfile"), message


def test_a_hint_only_tf_keras_provides_says_so():
    [message] = messages("from tensorflow.keras.layers import CuDNNLSTM\n", "HDL403")
    assert message.endswith("TF 2.21 has tf.compat.v1.keras.layers.CuDNNLSTM "
                            "(only with TF_USE_LEGACY_KERAS=1)"), message


def _explain_line(query, key):
    from hub_dist_lint.explain import explain

    return dict(explain(query)["lines"])[key]


def test_explain_says_exported_from_this_path_only_where_the_path_exists():
    # the same object was exported from tensorflow.python.training.tracking.tracking in
    # 2.6-2.7, before this path existed (2.10-2.21)
    path = "tensorflow.python.trackable.resource.TrackableResource"
    assert _explain_line(path, "releases").startswith("TF 2.10–2.21 ")
    public = _explain_line(path, "public")
    assert "(exported from this path in TF 2.10–2.21)" in public, public
    assert "2.6–2.7, 2.10" not in public, public


def test_explain_names_a_tf_internal_export_as_not_public_api():
    public = _explain_line("tensorflow.python.distribute.combinations.generate", "public")
    assert public.startswith("never: exported only under tf.__internal__ "
                             "(tf.__internal__.distribute.combinations.generate in TF "), public
    assert "not public API" in public


HUB_MODEL = 'import tensorflow_hub as hub\nm = tf.keras.Sequential([hub.KerasLayer("h")])\n'


def test_hdl502_quotes_the_value_it_read():
    [message] = messages('import os\nos.environ["TF_USE_LEGACY_KERAS"] = "TRUE"\n'
                         "import tensorflow as tf\n", "HDL502")
    assert message.startswith("TF_USE_LEGACY_KERAS='TRUE' has no effect: "), message


def test_hdl502_after_import_tensorflow_alone_is_fragile_not_ineffective():
    [message] = messages('import os\nimport tensorflow as tf\n'
                         'os.environ["TF_USE_LEGACY_KERAS"] = "1"\n' + HUB_MODEL, "HDL502")
    assert message.startswith("TF_USE_LEGACY_KERAS=1 is fragile: it is set after `import "
                              "tensorflow` (line 2) imported TensorFlow, so it works only while "
                              "every Keras name the program uses is read through tf.keras, or "
                              "bound by `from tensorflow import keras`, after it and before the "
                              "first hub.KerasLayer(handle) is built"), message


def test_hdl502_has_no_effect_on_tensorflow_keras_imports_or_after_keras_loaded():
    [message] = messages('import os\nimport tensorflow as tf\n'
                         'os.environ["TF_USE_LEGACY_KERAS"] = "1"\n'
                         "from tensorflow.keras import layers\n" + HUB_MODEL, "HDL502")
    assert message.startswith("TF_USE_LEGACY_KERAS=1 has no effect on this file's "
                              "tensorflow.keras imports"), message
    [message] = messages('import os\nimport tensorflow as tf\nimport tensorflow_hub as hub\n'
                         'os.environ["TF_USE_LEGACY_KERAS"] = "1"\n' + HUB_MODEL, "HDL502")
    assert message.startswith("TF_USE_LEGACY_KERAS=1 has no effect: it is set after `import "
                              "tensorflow_hub` (line 3), which already loaded Keras 3"), message
