# hdl-expect: keep
# hdl-findings: HDL101
"""HDL101 INVALID: a private import of MirroredStrategy, which still runs on TF 2.21."""
from tensorflow.python.distribute.mirrored_strategy import MirroredStrategy
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    weight = tf.Variable(2.0)
print(strategy.num_replicas_in_sync, type(weight).__name__, float(weight.numpy()))
