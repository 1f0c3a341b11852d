# hdl-expect: keep
# hdl-findings: HDL303
"""Issue 11 item 8: the constructor rewrite changes the class an isinstance guard tests.

`tf.distribute.experimental.TPUStrategy(resolver)` builds a TPUStrategy;
`tf.distribute.TPUStrategy(resolver)` builds a TPUStrategyV2, which is not a subclass of
the experimental class: the guard below stops firing. No TPU here: the resolver stops the
constructor, and the program looks at the object it was building.
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


def make_strategy():
    try:
        return tf.distribute.experimental.TPUStrategy(OfflineResolver())
    except NoTPU as error:
        return under_construction(error)


strategy = make_strategy()
print("TPU path:", isinstance(strategy, tf.distribute.experimental.TPUStrategy))
