# hdl-expect: repair
# hdl-findings: HDL101
"""HDL101 INVALID: Dense from tensorflow.python.keras, a stale legacy copy in TF 2.21.

Its layers cannot go into a tf.keras model ("Only instances of `keras.Layer` can be
added"); `tf.keras.layers.Dense` can.
"""
import tensorflow as tf
from tensorflow.python.keras.layers import Dense  # old home

layer = Dense(3)
model = tf.keras.Sequential([tf.keras.Input((4,)), layer])
print(model.output_shape)
