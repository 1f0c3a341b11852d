# hdl-expect: report
# hdl-findings: HDL201
"""HDL201: strategy and hub.load in one function, the load outside the scope, then trained.

The optimizer created in the scope refuses the plain restored variables in strategy.run
(`colocate_vars_with must only be passed a variable created in this
tf.distribute.Strategy.scope()`).
"""
import os
import sys

os.environ["TF_USE_LEGACY_KERAS"] = "1"
import tensorflow as tf
import tensorflow_hub as hub


def main(path):
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    model = hub.load(path)
    with strategy.scope():
        optimizer = tf.keras.optimizers.SGD(0.1)

    @tf.function
    def train(x):
        def step(inputs):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(model(inputs))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
        strategy.run(step, args=(x,))

    train(tf.ones((2, 4)))
    print(type(model.v).__name__, round(float(tf.reduce_sum(model.v)), 3))


main(sys.argv[1])
