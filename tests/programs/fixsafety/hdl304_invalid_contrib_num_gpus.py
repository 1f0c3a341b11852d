# hdl-expect: unfixed
# hdl-findings: HDL304
"""HDL304 INVALID: num_gpus= is not an argument of tf.distribute.MirroredStrategy: no fix."""
import tensorflow as tf

strategy = tf.contrib.distribute.MirroredStrategy(num_gpus=2)
print(strategy.num_replicas_in_sync)
