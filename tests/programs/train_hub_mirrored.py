"""The issue's program: a hub layer and a hub model made outside the strategy's scope."""
import os
import sys

os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np
import tensorflow as tf
import tensorflow_hub as tfhub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
MODEL = sys.argv[1]

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
layer = tfhub.KerasLayer(MODEL, trainable=True)  # outside the scope
loaded = tfhub.load(MODEL)
with strategy.scope():
    model = tf.keras.Sequential([tf.keras.Input((4,)), layer,
                                 tfhub.KerasLayer(loaded, trainable=True)])
    model.compile(optimizer="sgd", loss="mse")
model.fit(np.ones((8, 4), "float32"), np.zeros((8, 4), "float32"), epochs=1, verbose=0)
print("variables:", [type(v).__name__ for v in model.trainable_variables])
