"""hub.KerasLayer reaching a Keras 3 model the ways real code writes it (TF 2.16+: tf.keras is
Keras 3). Every form builds, trains for one epoch and checks that the hub layer's weights
changed; each prints `FORM: ok` or `FORM: failed: <error>`, and the exit status is 1 when one
failed. Usage: python keras3_dataflow.py VECTOR_MODEL LIST_MODEL DICT_MODEL [FORM...]
(make_hub_model.py, make_multi_input_hub_model.py ... list / dict)."""
import sys

import numpy as np
import tensorflow as tf
import tensorflow_hub as hub

keras = tf.keras
Sequential = tf.keras.Sequential
KEYS = ("input_word_ids", "input_mask", "input_type_ids")


def train(model, hub_layer, x, y):
    before = hub_layer.weights[0].numpy().copy()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.allclose(before, hub_layer.weights[0].numpy()), "the hub weights did not change"


def vectors():
    return np.ones((8, 4), "float32"), np.zeros((8, 1), "float32")


def list_inputs(vector, listed, keyed):
    input_word_ids = tf.keras.layers.Input((4,), name="input_word_ids")
    input_mask = tf.keras.layers.Input((4,), name="input_mask")
    input_type_ids = tf.keras.layers.Input((4,), name="input_type_ids")
    encoder = hub.KerasLayer(listed, trainable=True)
    pooled = encoder([input_word_ids, input_mask, input_type_ids])
    outputs = tf.keras.layers.Dense(1)(pooled)
    model = tf.keras.Model([input_word_ids, input_mask, input_type_ids], outputs)
    train(model, encoder, [np.ones((8, 4), "float32")] * 3, np.zeros((8, 1), "float32"))


def dict_call(vector, listed, keyed):
    input_word_ids = tf.keras.layers.Input((4,), name="input_word_ids")
    input_mask = tf.keras.layers.Input((4,), name="input_mask")
    input_type_ids = tf.keras.layers.Input((4,), name="input_type_ids")
    encoder = hub.KerasLayer(keyed, trainable=True)
    pooled = encoder(dict(input_word_ids=input_word_ids, input_mask=input_mask,
                          input_type_ids=input_type_ids))
    model = tf.keras.Model([input_word_ids, input_mask, input_type_ids],
                           tf.keras.layers.Dense(1)(pooled))
    train(model, encoder, [np.ones((8, 4), "float32")] * 3, np.zeros((8, 1), "float32"))


def dict_literal(vector, listed, keyed):
    word_ids = tf.keras.Input((4,), name="input_word_ids")
    mask = tf.keras.Input((4,), name="input_mask")
    type_ids = tf.keras.Input((4,), name="input_type_ids")
    encoder_inputs = {"input_word_ids": word_ids, "input_mask": mask, "input_type_ids": type_ids}
    encoder = hub.KerasLayer(keyed, trainable=True)
    pooled = encoder(encoder_inputs)
    model = tf.keras.Model(encoder_inputs, tf.keras.layers.Dense(1)(pooled))
    train(model, encoder, {k: np.ones((8, 4), "float32") for k in KEYS}, np.zeros((8, 1), "float32"))


def through_name(vector, listed, keyed):
    inputs = tf.keras.Input((4,))
    x = inputs
    embed = hub.KerasLayer(vector, trainable=True)
    features = embed(x)
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(features))
    train(model, embed, *vectors())


def through_layers(vector, listed, keyed):
    inputs = tf.keras.Input((4,))
    x = tf.keras.layers.Dense(4)(inputs)
    embed = hub.KerasLayer(vector, trainable=True)
    x = embed(x)
    x = tf.keras.layers.Dense(1)(x)
    model = tf.keras.Model(inputs, x)
    train(model, embed, *vectors())


def lambda_first(vector, listed, keyed):
    inputs = tf.keras.Input((4,))
    scaled = tf.keras.layers.Lambda(lambda t: t * 2.0)(inputs)
    embed = hub.KerasLayer(vector, trainable=True)
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(embed(scaled)))
    train(model, embed, *vectors())


class Encoder(hub.KerasLayer):
    """A hub layer with its own defaults."""

    def __init__(self, handle, **kwargs):
        super().__init__(handle, trainable=True, **kwargs)


def subclass(vector, listed, keyed):
    encoder = Encoder(vector)
    model = tf.keras.Sequential([tf.keras.Input((4,)), encoder, tf.keras.layers.Dense(1)])
    train(model, encoder, *vectors())


def wrapped(vector, listed, keyed):
    steps = tf.keras.Input((3, 4))
    embed = hub.KerasLayer(vector, trainable=True)
    encoded = tf.keras.layers.TimeDistributed(embed)(steps)
    model = tf.keras.Model(steps, tf.keras.layers.Dense(1)(encoded))
    train(model, embed, np.ones((8, 3, 4), "float32"), np.zeros((8, 3, 1), "float32"))


def plus(vector, listed, keyed):
    embed = hub.KerasLayer(vector, trainable=True)
    head = [tf.keras.layers.Dense(1)]
    model = tf.keras.Sequential([tf.keras.Input((4,))] + [embed] + head)
    train(model, embed, *vectors())


def comprehension(vector, listed, keyed):
    encoders = [hub.KerasLayer(handle, trainable=True) for handle in [vector]]
    model = tf.keras.Sequential([tf.keras.Input((4,))] + encoders + [tf.keras.layers.Dense(1)])
    train(model, encoders[0], *vectors())


def loop_add(vector, listed, keyed):
    embed = hub.KerasLayer(vector, trainable=True)
    model = tf.keras.Sequential()
    model.add(tf.keras.Input((4,)))
    for layer in [embed, tf.keras.layers.Dense(1)]:
        model.add(layer)
    train(model, embed, *vectors())


def alias_keras(vector, listed, keyed):
    embed = hub.KerasLayer(vector, trainable=True)
    model = keras.Sequential([keras.Input((4,)), embed, keras.layers.Dense(1)])
    train(model, embed, *vectors())


def alias_sequential(vector, listed, keyed):
    embed = hub.KerasLayer(vector, trainable=True)
    model = Sequential([tf.keras.Input((4,)), embed, tf.keras.layers.Dense(1)])
    train(model, embed, *vectors())


class Classifier(tf.keras.Model):
    """A subclassed model holding a trainable hub layer: Keras 3 does not track its weights."""

    def __init__(self, handle):
        super().__init__()
        self.encoder = hub.KerasLayer(handle, trainable=True)
        self.head = tf.keras.layers.Dense(1)

    def call(self, inputs):
        return self.head(self.encoder(inputs))


def subclassed_model(vector, listed, keyed):
    model = Classifier(vector)
    model(np.ones((1, 4), "float32"))
    print("subclassed_model: trainable variables:", len(model.trainable_variables))
    train(model, model.encoder, *vectors())


def fit_around(encoder):
    inputs = tf.keras.Input((4,))
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(encoder(inputs)))
    train(model, encoder, *vectors())


def passed_to_function(vector, listed, keyed):
    fit_around(hub.KerasLayer(vector, trainable=True))


FORMS = [list_inputs, dict_call, dict_literal, through_name, through_layers, lambda_first,
         subclass, wrapped, plus, comprehension, loop_add, alias_keras, alias_sequential,
         subclassed_model, passed_to_function]


def main(vector, listed, keyed, *only):
    failed = 0
    for form in FORMS:
        if only and form.__name__ not in only:
            continue
        try:
            form(vector, listed, keyed)
            print(f"{form.__name__}: ok")
        except Exception as error:  # each form on its own: report and go on
            failed += 1
            print(f"{form.__name__}: failed: {type(error).__name__}: {str(error)[:300]!r}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
