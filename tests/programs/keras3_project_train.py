"""A training script that builds its models with keras3_project_models (another module of
the project): each form trains one epoch and checks that the hub layer's weights changed,
printing `FORM: ok` or `FORM: failed: <error>`; the exit status is 1 when one failed.
Usage: python keras3_project_train.py HUB_MODEL"""
import sys

import numpy as np
import tensorflow as tf
import tensorflow_hub as hub

from keras3_project_models import Encoder, classifier, make_encoder, stacked


def train(model, hub_layer):
    before = hub_layer.weights[0].numpy().copy()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    model.fit(np.ones((8, 4), "float32"), np.zeros((8, 1), "float32"), epochs=1, verbose=0)
    assert not np.allclose(before, hub_layer.weights[0].numpy()), "the hub weights did not change"


def passed_to_functional(handle):
    encoder = hub.KerasLayer(handle, trainable=True)
    train(classifier(encoder), encoder)


def passed_to_sequential(handle):
    layer = hub.KerasLayer(handle, trainable=True)
    train(stacked(layer), layer)


def returned_by_factory(handle):
    inputs = tf.keras.Input((4,))
    encoder = make_encoder(handle)
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(encoder(inputs)))
    train(model, encoder)


def subclass_of_another_module(handle):
    encoder = Encoder(handle, trainable=True)
    train(tf.keras.Sequential([encoder, tf.keras.layers.Dense(1)]), encoder)


FORMS = [passed_to_functional, passed_to_sequential, returned_by_factory, subclass_of_another_module]


def main(handle):
    failed = 0
    for form in FORMS:
        try:
            form(handle)
            print(f"{form.__name__}: ok")
        except Exception as error:  # each form on its own: report and go on
            failed += 1
            print(f"{form.__name__}: failed: {type(error).__name__}: {str(error)[:300]!r}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
