# hdl-expect: keep
# hdl-findings: none
"""HDL103 VALID: the public name."""
import tensorflow as tf

x = tf.convert_to_tensor([1.0])
print(x.dtype.name, x.numpy().tolist())
