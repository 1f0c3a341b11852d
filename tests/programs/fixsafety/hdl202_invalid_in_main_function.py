# hdl-expect: repair
# hdl-findings: HDL202
"""HDL202: strategy and hub.KerasLayer in one function, the layer made before the scope."""
import os
import sys

os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np
import tensorflow as tf
import tensorflow_hub as hub


def main(path):
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    encoder = hub.KerasLayer(path, trainable=True)
    with strategy.scope():
        model = tf.keras.Sequential([tf.keras.Input((4,)), encoder])
        model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(np.ones((8, 4), "float32"), np.zeros((8, 4), "float32"), epochs=1,
                        batch_size=4, verbose=0)
    print([type(v).__name__ for v in model.trainable_variables], round(history.history["loss"][0], 3))


if __name__ == "__main__":
    main(sys.argv[1])
