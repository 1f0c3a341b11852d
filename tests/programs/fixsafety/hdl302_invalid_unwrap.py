# hdl-expect: keep
# hdl-findings: HDL302
"""HDL302 INVALID: strategy.unwrap, deprecated for experimental_local_results (it still runs)."""
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
result = strategy.run(lambda: tf.distribute.get_replica_context().replica_id_in_sync_group)
print([int(v) for v in strategy.unwrap(result)])
