import tensorflow_hub as hub

# Incorrect attempt to access AutoPolicy directly
from tensorflow.python.distribute.values import AutoPolicy

# This will likely result in an ImportError if AutoPolicy is not available in the current scope.
# The reason is that it is not part of tf.hub but part of the tf.distribute module.
strategy = AutoPolicy()  # Causes error
