# hdl-expect: keep
# hdl-findings: HDL101
"""HDL101 INVALID: a private import of a function that has a public tf.* name."""
from tensorflow.python.ops.array_ops import zeros

print(zeros([2, 3]).shape.as_list(), float(zeros([2]).numpy().sum()))
