"""The training script: TensorFlow first, then the model module."""
import sys

import tensorflow as tf

import keras3_model_module

print("TensorFlow", tf.__version__)
keras3_model_module.train(sys.argv[1])
