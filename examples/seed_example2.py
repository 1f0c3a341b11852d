import tensorflow as tf
import tensorflow_hub as hub

# Correct import of distribution strategies
import tensorflow.distribute as tfd

# Define the distribution strategy explicitly. Here we use MirroredStrategy for multiple GPUs
strategy = tfd.MirroredStrategy()

with strategy.scope():
    # Load the model from TensorFlow Hub
    model = hub.load("path/to/your/model") # Replace with your model path

    # ... Rest of your model training code ...
