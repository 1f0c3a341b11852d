# hdl-expect: keep
# hdl-findings: none
"""HDL202 VALID: a preprocessing hub layer used in tf.data's map stays outside the scope."""
import os
import sys

os.environ["TF_USE_LEGACY_KERAS"] = "1"
import tensorflow as tf
import tensorflow_hub as hub

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
preprocess = hub.KerasLayer(sys.argv[1])
ds = tf.data.Dataset.from_tensor_slices(tf.ones((4, 4))).batch(2).map(lambda x: preprocess(x))
print([float(batch.numpy().sum()) for batch in ds], strategy.num_replicas_in_sync)
