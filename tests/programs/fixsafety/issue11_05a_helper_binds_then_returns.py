# hdl-expect: report
# hdl-findings: HDL202
"""Issue 11 item 5: a helper binds hub.KerasLayer to a name, then returns it.

Called before the scope, the layer's variables are plain: compile raises "was not
created in the distribution strategy scope".
"""
import os
import sys

os.environ["TF_USE_LEGACY_KERAS"] = "1"
import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


def make_encoder():
    encoder = hub.KerasLayer(sys.argv[1], trainable=True)
    return encoder


strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
encoder = make_encoder()
with strategy.scope():
    model = tf.keras.Sequential([tf.keras.Input((4,)), encoder])
    model.compile(optimizer="sgd", loss="mse")
print([type(v).__name__ for v in model.trainable_variables])
