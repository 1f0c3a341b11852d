# hdl-expect: keep
# hdl-findings: none
"""Issue 11 item 1: a frozen hub.KerasLayer made outside the scope, used for predict only.

The model is built under the scope but never compiled: predict runs with the plain
variables. Nothing is trained.
"""
import os
import sys

os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np
import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
embed = hub.KerasLayer(sys.argv[1])
with strategy.scope():
    model = tf.keras.Sequential([tf.keras.Input((4,)), embed])
predictions = model.predict(np.ones((4, 4), "float32"), batch_size=2, verbose=0)
print([type(v).__name__ for v in model.variables], predictions.sum())
