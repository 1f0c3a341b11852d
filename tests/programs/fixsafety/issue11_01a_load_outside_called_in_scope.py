# hdl-expect: keep
# hdl-findings: none
"""Issue 11 item 1: hub.load outside the scope, the model called directly inside it.

Nothing is trained, so the plain restored variables are no fault. Moving the load into
the scope breaks the call: a restored function called in cross-replica context with
mirrored variables raises "Trying to access a placeholder that is not supposed to be
executed".
"""
import sys

import numpy as np
import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
module = hub.load(sys.argv[1])
with strategy.scope():
    y = module(tf.ones((2, 4)))
print(type(module.v).__name__, np.asarray(y).tolist())
