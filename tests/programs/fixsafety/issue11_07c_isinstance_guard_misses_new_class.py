# hdl-expect: report
# hdl-findings: HDL303
"""Issue 11 item 7: the silent bug. A guard on the experimental class misses the stable one.

The strategy is built with `tf.distribute.TPUStrategy` (no TPU here: the resolver stops
the constructor, and the program looks at the object it was building). The guard
`isinstance(s, tf.distribute.experimental.TPUStrategy)` is False for it; the program
asserts the guard recognises a TPU strategy.
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


def is_tpu(strategy):
    return isinstance(strategy, tf.distribute.experimental.TPUStrategy)


try:
    strategy = tf.distribute.TPUStrategy(OfflineResolver())
except NoTPU as error:
    strategy = under_construction(error)
print(type(strategy).__name__, is_tpu(strategy))
assert is_tpu(strategy), "a TPU strategy must take the TPU path"
