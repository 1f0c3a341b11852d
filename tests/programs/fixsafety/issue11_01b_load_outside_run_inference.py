# hdl-expect: keep
# hdl-findings: none
"""Issue 11 item 1: hub.load outside the scope, inference in strategy.run (replica context).

Runs with plain variables (each replica reads the one variable); nothing is trained.
"""
import sys

import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
encoder = hub.load(sys.argv[1])


@tf.function
def infer(x):
    return strategy.run(encoder, args=(x,))


outputs = strategy.experimental_local_results(infer(tf.ones((2, 4))))
print(type(encoder.v).__name__, [float(out.numpy().sum()) for out in outputs])
