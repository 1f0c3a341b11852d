# hdl-expect: keep
# hdl-findings: HDL302
"""HDL302 INVALID: strategy.colocate_vars_with, moved to strategy.extended (it still runs)."""
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    v = tf.Variable(1.0)
    with strategy.colocate_vars_with(v):
        w = tf.Variable(2.0)
print(type(w).__name__, [d.split("/")[-1] for d in sorted(c.device for c in w.values)])
