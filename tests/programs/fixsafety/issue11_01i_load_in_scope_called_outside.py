# hdl-expect: keep
# hdl-findings: none
"""Issue 11 item 1: loaded inside the scope, called outside it (cross-replica, no scope).

Runs: the restored function reads the mirrored variable's primary copy.
"""
import sys

import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    module = hub.load(sys.argv[1])
print(type(module.v).__name__, module(tf.ones((1, 4))).numpy().tolist())
