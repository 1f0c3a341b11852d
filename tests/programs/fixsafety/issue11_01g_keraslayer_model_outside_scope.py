# hdl-expect: keep
# hdl-findings: none
"""Issue 11 item 1: hub.KerasLayer, model, compile and fit all outside the scope.

The strategy is created but not used for this model: it trains on one device. Moving
only the layer into the scope breaks fit (`TypeError: tuple indices must be integers
or slices, not MirroredVariable`).
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
layer = hub.KerasLayer(sys.argv[1], trainable=True)
model = tf.keras.Sequential([tf.keras.Input((4,)), layer])
model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
history = model.fit(np.ones((8, 4), "float32"), np.zeros((8, 4), "float32"), epochs=2,
                    batch_size=4, verbose=0)
print([type(v).__name__ for v in model.trainable_variables],
      [round(loss, 3) for loss in history.history["loss"]], strategy.num_replicas_in_sync)
