# hdl-expect: report
# hdl-findings: HDL201 HDL202
"""Issue 11 item 1: hub.KerasLayer(hub.load(...)) made outside the scope, fit under it.

tf-keras's compile raises "Variable ... was not created in the distribution strategy
scope"; made inside the scope, the model trains with MirroredVariables.
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
loaded = hub.load(sys.argv[1])
layer = hub.KerasLayer(loaded, trainable=True)
with strategy.scope():
    model = tf.keras.Sequential([tf.keras.Input((4,)), layer])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
history = model.fit(np.ones((8, 4), "float32"), np.zeros((8, 4), "float32"), epochs=2,
                    batch_size=4, verbose=0)
print([type(v).__name__ for v in model.trainable_variables],
      [round(loss, 3) for loss in history.history["loss"]])
