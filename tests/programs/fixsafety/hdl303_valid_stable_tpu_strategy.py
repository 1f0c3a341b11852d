# hdl-expect: keep
# hdl-findings: none
"""HDL303 VALID: the stable tf.distribute.TPUStrategy (no TPU here: offline_tpu's resolver
stops the constructor, and the program looks at the object it was building)."""
import tensorflow as tf

from offline_tpu import NoTPU, OfflineResolver, under_construction

try:
    strategy = tf.distribute.TPUStrategy(OfflineResolver())
except NoTPU as error:
    strategy = under_construction(error)
print(type(strategy).__name__, isinstance(strategy, tf.distribute.TPUStrategy))
