# hdl-expect: repair
# hdl-findings: HDL301
"""HDL301 INVALID: strategy.experimental_run_v2, removed in TF 2.4: AttributeError."""
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def step(x):
    return x * 2.0


x = tf.constant(3.0)
result = strategy.experimental_run_v2(step, args=(x,))
print([float(v) for v in strategy.experimental_local_results(result)])
