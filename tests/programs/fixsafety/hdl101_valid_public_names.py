# hdl-expect: keep
# hdl-findings: none
"""HDL101 VALID: public names, including `from tensorflow.keras.layers import Dense`."""
import tensorflow as tf
from tensorflow.keras.layers import Dense

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    model = tf.keras.Sequential([tf.keras.Input((4,)), Dense(3)])
print(strategy.num_replicas_in_sync, model.output_shape)
