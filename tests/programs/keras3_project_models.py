"""A model module of a project: functions that build Keras models around the layer they are
given, a factory of hub layers and a hub.KerasLayer subclass. Used by keras3_project_train.py
(a script) and keras3_project_utils.py (a library module) to show hub layers passing between
modules (issue 22). It spells Keras only as tf.keras."""
import tensorflow as tf
import tensorflow_hub as hub


def classifier(encoder):
    inputs = tf.keras.Input((4,))
    return tf.keras.Model(inputs, tf.keras.layers.Dense(1)(encoder(inputs)))


def stacked(layer):
    return tf.keras.Sequential([layer, tf.keras.layers.Dense(1)])


def make_encoder(handle):
    return hub.KerasLayer(handle, trainable=True)


class Encoder(hub.KerasLayer):
    """A hub layer the project names."""
