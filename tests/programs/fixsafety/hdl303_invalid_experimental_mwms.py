# hdl-expect: keep
# hdl-findings: HDL303
"""HDL303 INVALID: tf.distribute.experimental.MultiWorkerMirroredStrategy(), deprecated.

Single worker here. The experimental class matches instances of both classes, so an
isinstance guard on it keeps working after the rewrite.
"""
import tensorflow as tf

strategy = tf.distribute.experimental.MultiWorkerMirroredStrategy()
print(isinstance(strategy, tf.distribute.experimental.MultiWorkerMirroredStrategy),
      isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy),
      strategy.num_replicas_in_sync)
