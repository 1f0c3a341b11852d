# hdl-expect: keep
# hdl-findings: none
"""HDL301 VALID: a TF 1 strategy (tf.compat.v1.distribute) still has experimental_make_numpy_dataset."""
import numpy as np
import tensorflow as tf

strategy = tf.compat.v1.distribute.MirroredStrategy(["/cpu:0"])
ds = strategy.experimental_make_numpy_dataset(np.arange(4.0))
print([float(x) for x in ds])
