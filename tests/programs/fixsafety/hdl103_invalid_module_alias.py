# hdl-expect: keep
# hdl-findings: HDL103
"""HDL103 INVALID: a private module imported under an alias, its members used through it."""
from tensorflow.python.framework import ops as tf_ops

x = tf_ops.convert_to_tensor([1.0, 2.0])
print(x.dtype.name, x.numpy().tolist())
