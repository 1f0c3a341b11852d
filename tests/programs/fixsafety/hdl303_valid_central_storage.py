# hdl-expect: keep
# hdl-findings: none
"""HDL303 VALID: CentralStorageStrategy has no other name and is not deprecated."""
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.experimental.CentralStorageStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    v = tf.Variable(1.0)
print(strategy.num_replicas_in_sync, type(v).__name__)
