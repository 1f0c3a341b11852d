# hdl-expect: keep
# hdl-findings: none
"""Issue 11 item 1: a strategy exists, but the restored model is trained without it.

Single-device training outside the scope runs. Moving the load into the scope makes
the variables mirrored, and the optimizer's update outside the scope raises
`TypeError: tuple indices must be integers or slices, not MirroredVariable`.
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
optimizer = tf.keras.optimizers.SGD(0.1)
for _ in range(2):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(encoder(tf.ones((2, 4))))
    grads = tape.gradient(loss, encoder.trainable_variables)
    optimizer.apply_gradients(zip(grads, encoder.trainable_variables))
print(type(encoder.v).__name__, round(float(tf.reduce_sum(encoder.v)), 3),
      strategy.num_replicas_in_sync)
