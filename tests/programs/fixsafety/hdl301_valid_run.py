# hdl-expect: keep
# hdl-findings: none
"""HDL301 VALID: strategy.run and experimental_local_results, the current API."""
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
result = strategy.run(lambda: tf.constant(1))
print([int(v) for v in strategy.experimental_local_results(result)])
