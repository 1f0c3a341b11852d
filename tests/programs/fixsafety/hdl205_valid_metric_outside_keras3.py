# hdl-expect: keep
# hdl-findings: none
"""HDL205 VALID: with Keras 3 a metric object made outside the scope trains."""
import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
auc = tf.keras.metrics.AUC()
loss = tf.keras.losses.BinaryCrossentropy()
with strategy.scope():
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss=loss, metrics=[auc])
history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
variable = model.trainable_variables[0]
variable = getattr(variable, "value", variable)  # Keras 3 wraps the tf.Variable
print(type(variable).__name__ if not callable(variable) else "tf-keras variable",
      type(model.trainable_variables[0]).__name__, len(history.history["loss"]))

