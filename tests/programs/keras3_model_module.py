"""A model module with a smoke test: its real user is keras3_model_train.py, which imports
TensorFlow before it (so TF_USE_LEGACY_KERAS=1 at this file's top would come too late)."""
import sys

import numpy as np
import tensorflow as tf
import tensorflow_hub as hub


def train(model_dir):
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = tf.keras.Sequential([
            tf.keras.Input((4,)),
            hub.KerasLayer(model_dir, trainable=True),
            tf.keras.layers.Dense(1),
        ])
        model.compile(optimizer=tf.keras.optimizers.SGD(0.01), loss="mse")
    model.fit(np.ones((8, 4), "float32"), np.zeros((8, 1), "float32"), epochs=1, verbose=0)
    print("variables:", sorted({type(v).__name__ for v in model.trainable_variables}))


if __name__ == "__main__":  # a smoke test, not the program's entry point
    train(sys.argv[1])
