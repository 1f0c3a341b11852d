"""TF_USE_LEGACY_KERAS set after TensorFlow and tensorflow_hub are imported: too late."""
import os
import sys

import numpy as np
import tensorflow as tf
import tensorflow_hub as hub

os.environ["TF_USE_LEGACY_KERAS"] = "1"

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    model = tf.keras.Sequential([tf.keras.Input((4,)), hub.KerasLayer(sys.argv[1], trainable=True)])
    model.compile(optimizer="sgd", loss="mse")
model.fit(np.ones((8, 4), "float32"), np.zeros((8, 4), "float32"), epochs=1, verbose=0)
print("variables:", sorted({type(v).__name__ for v in model.trainable_variables}))
