"""TPU strategies without a TPU: what their constructor was building when it stopped.

Copied next to each fix-safety program by tests/test_tf_programs.py (by hand:
`PYTHONPATH=_support python3 PROGRAM.py MODEL`). A strategy's class is fixed by the
constructor called, before the constructor asks the resolver anything; this resolver
stops it at its first question, and `under_construction` returns the strategy object
from the traceback, so isinstance guards can be tried on real TPUStrategy and
TPUStrategyV2 objects on a CPU.
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
    """The strategy object the constructor was building when it raised NoTPU."""
    frame, found = error.__traceback__, None
    while frame is not None:
        candidate = frame.tb_frame.f_locals.get("self")
        if isinstance(candidate, tf.distribute.Strategy):
            found = candidate
        frame = frame.tb_next
    return found
