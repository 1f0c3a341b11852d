"""A library module (TFX's BERT example's shape): it makes the hub layer and hands it to
keras3_project_models.classifier, which calls it on Keras 3 inputs. A training script
imports it after TensorFlow."""
import tensorflow_hub as hub

import keras3_project_models


def build(handle):
    encoder = hub.KerasLayer(handle, trainable=True)
    return keras3_project_models.classifier(encoder), encoder
