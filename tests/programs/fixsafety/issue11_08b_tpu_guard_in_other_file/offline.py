"""A cluster resolver with no TPU behind it, and the strategy its constructor was building."""
import tensorflow as tf


class NoTPU(Exception):
    pass


class OfflineResolver(tf.distribute.cluster_resolver.ClusterResolver):
    def cluster_spec(self):
        raise NoTPU()

    def master(self, task_type=None, task_id=None, rpc_layer=None):
        raise NoTPU()

    def get_tpu_system_metadata(self):
        raise NoTPU()


def under_construction(error):
    frame, found = error.__traceback__, None
    while frame is not None:
        candidate = frame.tb_frame.f_locals.get("self")
        if isinstance(candidate, tf.distribute.Strategy):
            found = candidate
        frame = frame.tb_next
    return found
