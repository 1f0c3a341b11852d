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


class NoTPU(Exception):
    pass


class OfflineResolver(tf.distribute.cluster_resolver.ClusterResolver):
    """A resolver with no TPU behind it."""

    def cluster_spec(self):
        raise NoTPU()

    def master(self, task_type=None, task_id=None, rpc_layer=None):
        raise NoTPU()

    def get_tpu_system_metadata(self):
        raise NoTPU()


def under_construction(error):
    """The strategy object the constructor was building when it stopped."""
    frame, found = error.__traceback__, None
    while frame is not None:
        candidate = frame.tb_frame.f_locals.get("self")
        if isinstance(candidate, tf.distribute.Strategy):
            found = candidate
        frame = frame.tb_next
    return found


def per_replica_batch(strategy, batch):
    if isinstance(strategy, tf.distribute.experimental.TPUStrategy):
        return batch // 8
    return batch


try:
    strategy = tf.distribute.experimental.TPUStrategy(OfflineResolver())  # noqa: HDL303
except NoTPU as error:
    strategy = under_construction(error)
print(per_replica_batch(strategy, 64))
