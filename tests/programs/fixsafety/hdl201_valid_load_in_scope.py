# hdl-expect: keep
# hdl-findings: none
"""HDL201 VALID: loaded inside the scope, then run per replica."""
import sys

import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    model = hub.load(sys.argv[1])
outputs = strategy.run(tf.function(model), args=(tf.ones((1, 4)),))
print(type(model.v).__name__, [o.numpy().tolist() for o in strategy.experimental_local_results(outputs)])
