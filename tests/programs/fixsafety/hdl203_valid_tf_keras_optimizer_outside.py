# hdl-expect: keep
# hdl-findings: none
"""HDL203 VALID: the same program with tf-keras, which tolerates the optimizer made outside."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
optimizer = tf.keras.optimizers.Adam(1e-3)
with strategy.scope():
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
variable = model.trainable_variables[0]
variable = getattr(variable, "value", variable)  # Keras 3 wraps the tf.Variable
print(type(variable).__name__ if not callable(variable) else "tf-keras variable",
      type(model.trainable_variables[0]).__name__, len(history.history["loss"]))

