# hdl-expect: keep
# hdl-findings: HDL303
"""Issue 11 item 8: the constructor rewrite changes the class an isinstance guard tests.

`tf.distribute.experimental.TPUStrategy(resolver)` builds a TPUStrategy;
`tf.distribute.TPUStrategy(resolver)` builds a TPUStrategyV2, which is not a subclass of
the experimental class: the guard below stops firing. No TPU here: the resolver stops the
constructor, and the program looks at the object it was building.
"""
import tensorflow as tf

from offline_tpu import NoTPU, OfflineResolver, under_construction


def make_strategy():
    try:
        return tf.distribute.experimental.TPUStrategy(OfflineResolver())
    except NoTPU as error:
        return under_construction(error)


strategy = make_strategy()
print("TPU path:", isinstance(strategy, tf.distribute.experimental.TPUStrategy))
