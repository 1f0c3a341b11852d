# hdl-expect: keep
# hdl-findings: HDL303
"""Issue 11 item 7: on TF 2.21 neither TPUStrategy class is a subclass of the other.

So `isinstance(s, tf.distribute.experimental.TPUStrategy)` is False for a
`tf.distribute.TPUStrategy` (TPUStrategyV2) instance. (The MultiWorkerMirroredStrategy
pair is different: the experimental class matches instances of both.)
"""
import tensorflow as tf

print("TPUStrategy <= experimental.TPUStrategy:",
      issubclass(tf.distribute.TPUStrategy, tf.distribute.experimental.TPUStrategy))
print("experimental.TPUStrategy <= TPUStrategy:",
      issubclass(tf.distribute.experimental.TPUStrategy, tf.distribute.TPUStrategy))
print("classes:", tf.distribute.TPUStrategy.__name__, tf.distribute.experimental.TPUStrategy.__name__)
