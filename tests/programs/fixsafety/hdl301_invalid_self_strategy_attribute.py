# hdl-expect: repair
# hdl-findings: HDL301
"""HDL301: the receiver is an attribute assigned a strategy in __init__."""
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


class Trainer:
    def __init__(self):
        self.strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])

    def double(self, x):
        result = self.strategy.experimental_run_v2(lambda v: v * 2.0, args=(x,))
        return [float(v) for v in self.strategy.experimental_local_results(result)]


print(Trainer().double(tf.constant(1.5)))
