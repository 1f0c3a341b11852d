# hdl-expect: keep
"""Issue 11 item 9: a private tensorflow.python.keras name whose public name is tf-keras only.

`tf.compat.v1.keras.layers.enable_v2_dtype_behavior` exists only when tf.keras is
tf-keras; with the default Keras 3 on TF 2.21 it raises AttributeError, while the
private import runs.
"""
from tensorflow.python.keras.engine.base_layer_utils import enable_v2_dtype_behavior

enable_v2_dtype_behavior()
print("v2 dtype behavior enabled")
