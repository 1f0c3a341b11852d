# hdl-expect: report
# hdl-findings: HDL201
"""Issue 11 item 1: the silent fault. A restored model updated by hand in strategy.run.

Loaded outside the scope, the variable is one plain variable that every replica
updates: with 2 replicas one SGD step is applied twice (sum 9.6 instead of 12.8),
and nothing raises. Loaded inside, it is a MirroredVariable updated once per copy.
The program checks the single-step result, so the fault shows as an AssertionError.
"""
import sys

import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
encoder = hub.load(sys.argv[1])


@tf.function
def train(x):
    def step(inputs):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(encoder(inputs))
        encoder.v.assign_sub(0.1 * tape.gradient(loss, encoder.v))
        return loss
    return strategy.run(step, args=(x,))


train(tf.ones((2, 4)))
sums = [round(float(tf.reduce_sum(c)), 3) for c in strategy.experimental_local_results(encoder.v)]
print(type(encoder.v).__name__, sums)
assert sums == [12.8] * strategy.num_replicas_in_sync, "one step must be applied once"
