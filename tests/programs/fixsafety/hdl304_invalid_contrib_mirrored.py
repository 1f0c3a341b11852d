# hdl-expect: repair
# hdl-findings: HDL304
"""HDL304 INVALID: tf.contrib.distribute.MirroredStrategy(): TF 2 has no tf.contrib."""
import tensorflow as tf

strategy = tf.contrib.distribute.MirroredStrategy()
print(type(strategy).__name__, strategy.num_replicas_in_sync)
