# hdl-expect: keep
# hdl-findings: none
"""HDL201's INVALID example as a program: a strategy, then hub.load outside its scope.

Nothing is trained, so nothing goes wrong: the model runs with plain variables.
Moving the load into the scope changes the variables to MirroredVariables.
"""
import sys

import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
model = hub.load(sys.argv[1])
print(type(model.v).__name__, model(tf.ones((1, 4))).numpy().tolist())
