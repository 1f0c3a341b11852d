# hdl-expect: repair
# hdl-findings: HDL203 HDL204
"""HDL203 + HDL204 INVALID (Keras 3): optimizer and model made outside the scope of the
strategy a training function creates; the model also used after the scope.

Made outside together, the pair trains without the strategy (plain variables): the
program checks that its model is distributed (moving only one of them would raise).
"""
import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")


def train():
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    optimizer = tf.keras.optimizers.SGD(0.1)
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1, activation="sigmoid")])
    with strategy.scope():
        model.compile(optimizer, "binary_crossentropy")
    return model


model = train()
history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
variable = model.trainable_variables[0]
variable = getattr(variable, "value", variable)  # Keras 3 wraps the tf.Variable
print(type(variable).__name__ if not callable(variable) else "tf-keras variable",
      type(model.trainable_variables[0]).__name__, len(history.history["loss"]))
assert type(variable).__name__ == "MirroredVariable", "trained without the strategy"
