# hdl-expect: report
# hdl-findings: HDL201
"""Issue 11 item 1: a restored model trained with a GradientTape in strategy.run.

Loaded outside the scope, the optimizer refuses the plain variables: `ValueError:
colocate_vars_with must only be passed a variable created in this
tf.distribute.Strategy.scope()`. Loaded inside, the variables are mirrored and it trains.
"""
import os
import sys

os.environ["TF_USE_LEGACY_KERAS"] = "1"
import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
encoder = hub.load(sys.argv[1])
with strategy.scope():
    optimizer = tf.keras.optimizers.SGD(0.1)


def step(x):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(encoder(x))
    grads = tape.gradient(loss, encoder.trainable_variables)
    optimizer.apply_gradients(zip(grads, encoder.trainable_variables))
    return loss


@tf.function
def train(x):
    return strategy.run(step, args=(x,))


train(tf.ones((2, 4)))
copies = strategy.experimental_local_results(encoder.v)
print(type(encoder.v).__name__, [round(float(tf.reduce_sum(c)), 3) for c in copies])
