# hdl-expect: repair
# hdl-findings: HDL204
"""HDL204 INVALID (tf-keras): a model loaded with tf.keras.models.load_model outside the scope and
compiled again inside it."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"
import tempfile

import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
path = tempfile.mkdtemp() + "/model.h5"
with strategy.scope():
    saved = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1, activation="sigmoid")])
    saved.compile(optimizer="adam", loss="binary_crossentropy")
    saved.save(path)
model = tf.keras.models.load_model(path)
with strategy.scope():
    model.compile(optimizer="adam", loss="binary_crossentropy")
history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
variable = model.trainable_variables[0]
variable = getattr(variable, "value", variable)  # Keras 3 wraps the tf.Variable
print(type(variable).__name__ if not callable(variable) else "tf-keras variable",
      type(model.trainable_variables[0]).__name__, len(history.history["loss"]))

