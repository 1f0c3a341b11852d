# hdl-expect: keep
# hdl-findings: HDL302
"""HDL302 INVALID: experimental_distribute_datasets_from_function, deprecated (it still runs)."""
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def fn(context):
    return tf.data.Dataset.range(8).batch(context.get_per_replica_batch_size(4))


dist = strategy.experimental_distribute_datasets_from_function(fn)
for batch in dist:
    print([t.numpy().tolist() for t in strategy.experimental_local_results(batch)])
