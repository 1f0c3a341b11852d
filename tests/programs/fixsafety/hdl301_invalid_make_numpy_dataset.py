# hdl-expect: unfixed
# hdl-findings: HDL301
"""HDL301 INVALID: experimental_make_numpy_dataset left the TF 2 strategies in 2.4; no fix."""
import numpy as np
import tensorflow as tf

strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
array = np.arange(4.0)
ds = strategy.experimental_make_numpy_dataset(array)
print([float(x) for x in ds])
