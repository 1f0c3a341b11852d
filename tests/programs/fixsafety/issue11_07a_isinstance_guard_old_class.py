# hdl-expect: keep
# hdl-findings: HDL303
"""Issue 11 item 7: an isinstance guard on the deprecated experimental TPUStrategy class.

The guard must be reported (a tf.distribute.TPUStrategy would not match it), and any
rewrite of it must keep matching strategies built by the experimental class. The
constructor is silenced with noqa so that only the guard is in question. There is no TPU
here: the resolver stops the constructor at its first question, and the program looks
at the strategy object the constructor was building.
"""
import tensorflow as tf

from offline_tpu import NoTPU, OfflineResolver, under_construction


def per_replica_batch(strategy, batch):
    if isinstance(strategy, tf.distribute.experimental.TPUStrategy):
        return batch // 8
    return batch


try:
    strategy = tf.distribute.experimental.TPUStrategy(OfflineResolver())  # noqa: HDL303
except NoTPU as error:
    strategy = under_construction(error)
print(per_replica_batch(strategy, 64))
