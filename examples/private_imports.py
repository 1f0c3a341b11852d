"""A small training script written against TensorFlow's private modules."""
from tensorflow.python.distribute.mirrored_strategy import MirroredStrategy
from tensorflow.python.framework import ops as tf_ops

strategy = MirroredStrategy()
x = tf_ops.convert_to_tensor([1.0])  # a tensor, on the default device
