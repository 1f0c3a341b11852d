"""A library module: a functional model around hub.KerasLayer, trained under MirroredStrategy."""
import numpy as np
import tensorflow as tf
import tensorflow_hub as hub
from tensorflow.keras import layers


def train(model_dir):
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        inputs = tf.keras.Input(shape=(4,))
        encoded = hub.KerasLayer(model_dir, trainable=True)(inputs)
        outputs = layers.Dense(1)(encoded)
        model = tf.keras.Model(inputs, outputs)
        model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss=tf.keras.losses.MeanSquaredError())
    model.fit(np.ones((8, 4), "float32"), np.zeros((8, 1), "float32"), epochs=1, verbose=0,
              callbacks=[tf.keras.callbacks.TerminateOnNaN()])
    print("variables:", sorted({type(v).__name__ for v in model.trainable_variables}))
