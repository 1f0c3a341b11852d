# hdl-expect: report
# hdl-findings: HDL303
"""Issue 11 item 7: the silent bug. A guard on the experimental class misses the stable one.

The strategy is built with `tf.distribute.TPUStrategy` (no TPU here: the resolver stops
the constructor, and the program looks at the object it was building). The guard
`isinstance(s, tf.distribute.experimental.TPUStrategy)` is False for it; the program
asserts the guard recognises a TPU strategy.
"""
import tensorflow as tf

from offline_tpu import NoTPU, OfflineResolver, under_construction


def is_tpu(strategy):
    return isinstance(strategy, tf.distribute.experimental.TPUStrategy)


try:
    strategy = tf.distribute.TPUStrategy(OfflineResolver())
except NoTPU as error:
    strategy = under_construction(error)
print(type(strategy).__name__, is_tpu(strategy))
assert is_tpu(strategy), "a TPU strategy must take the TPU path"
