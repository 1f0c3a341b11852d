import tensorflow as tf
import tensorflow_hub as hub

# Import TPUStrategy
import tensorflow.distribute.cluster_resolver as cluster_resolver
resolver = cluster_resolver.TPUClusterResolver(tpu='') # Replace '' with your TPU address
tf.config.experimental_connect_to_cluster(resolver)
tf.tpu.experimental.initialize_tpu_system(resolver)

# Use TPUStrategy for TPU training
strategy = tf.distribute.TPUStrategy(resolver)

with strategy.scope():
    # Load the model
    model = hub.load("path/to/your/model") # Replace with your model path

    # ... Rest of the training code ...
