# hdl-expect: keep
# hdl-findings: HDL303
"""HDL303 INVALID: tf.distribute.experimental.CollectiveHints, deprecated for CommunicationOptions."""
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
hints = tf.distribute.experimental.CollectiveHints(bytes_per_pack=1024)
value = strategy.run(lambda: tf.constant(2.0))
total = strategy.extended.reduce_to(tf.distribute.ReduceOp.SUM, value, "/cpu:0", options=hints)
print(hints.bytes_per_pack, float(total))
