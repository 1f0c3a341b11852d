# hdl-expect: keep
# hdl-findings: HDL101
"""HDL101: the private name is rebound in the file, so its uses are not rewritten; the
import is bound in place to the same object (`zeros = tf.zeros`)."""
from tensorflow.python.ops.array_ops import zeros

print(zeros([2]).shape.as_list())
zeros = lambda shape: [0] * shape[0]  # noqa: E731
print(zeros([2]))
