# hdl-expect: unfixed
# hdl-findings: HDL303
"""HDL303 INVALID: `communication=` is not an argument of the stable class: no fix."""
import tensorflow as tf

strategy = tf.distribute.experimental.MultiWorkerMirroredStrategy(
    communication=tf.distribute.experimental.CollectiveCommunication.RING)
print(strategy.num_replicas_in_sync)
