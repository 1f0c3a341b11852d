# hdl-expect: report
# hdl-findings: HDL202
"""Issue 11 item 6: the strategy is created inline as the argument of `build`.

`build` creates the layer before entering `strategy.scope()`: compile raises "was not
created in the distribution strategy scope".
"""
import os
import sys

os.environ["TF_USE_LEGACY_KERAS"] = "1"
import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


def build(strategy):
    layer = hub.KerasLayer(sys.argv[1], trainable=True)
    with strategy.scope():
        model = tf.keras.Sequential([tf.keras.Input((4,)), layer])
        model.compile(optimizer="sgd", loss="mse")
    return model


model = build(tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]))
print([type(v).__name__ for v in model.trainable_variables])
