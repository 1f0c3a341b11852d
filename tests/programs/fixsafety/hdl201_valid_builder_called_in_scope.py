# hdl-expect: keep
# hdl-findings: none
"""HDL201 VALID: a builder that returns hub.load(...); its caller decides the scope."""
import sys

import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


def build():
    return hub.load(sys.argv[1])  # callers decide


strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    model = build()
print(type(model.v).__name__)
