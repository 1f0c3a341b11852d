"""Issue 23: which Keras objects made outside `with strategy.scope():` break training?

Every case builds, compiles (inside the scope of a MirroredStrategy over 2 logical CPUs)
and fits a small model, with one object made OUTSIDE the scope, once with Keras 3
(`tf.keras` of TF 2.21) and once with tf-keras (TF_USE_LEGACY_KERAS=1 set before
TensorFlow is imported), each in its own `python3` process:

    python3 keras_scope_matrix.py                  # the whole table
    python3 keras_scope_matrix.py KERAS CASE       # one cell (KERAS: keras3|tf_keras)

A cell prints `trains` (and the rounded loss) or the exception's type and first line.
"""
import os
import subprocess
import sys
import tempfile

CASES = {}


def case(function):
    CASES[function.__name__] = function
    return function


def setup(flavour):
    if flavour == "tf_keras":
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    return tf, tf.keras, tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def data():
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    return x, (x.sum(axis=1) > 0).astype("float32")


def model_of(keras):
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])


def fit(model):
    """The kind of the model's first variable (MirroredVariable, or a plain one: trained
    without the strategy) and the last loss."""
    x, y = data()
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    variable = model.trainable_variables[0]
    inner = getattr(variable, "value", variable)  # Keras 3 wraps the tf.Variable
    inner = variable if callable(inner) else inner
    return f"{type(inner).__name__} {round(float(history.history['loss'][-1]), 3)}"


@case
def all_inside(tf, keras, strategy):
    """The baseline: everything made in the scope."""
    with strategy.scope():
        model = model_of(keras)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    return fit(model)


@case
def optimizer_outside(tf, keras, strategy):
    optimizer = keras.optimizers.Adam(1e-3)
    with strategy.scope():
        model = model_of(keras)
        model.compile(optimizer=optimizer, loss="binary_crossentropy")
    return fit(model)


@case
def optimizer_and_model_outside(tf, keras, strategy):
    """Both made outside, compiled inside."""
    optimizer = keras.optimizers.Adam(1e-3)
    model = model_of(keras)
    with strategy.scope():
        model.compile(optimizer=optimizer, loss="binary_crossentropy")
    return fit(model)


@case
def model_outside_optimizer_inside(tf, keras, strategy):
    model = model_of(keras)
    with strategy.scope():
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    return fit(model)


@case
def metric_and_model_outside(tf, keras, strategy):
    auc = keras.metrics.AUC()
    model = model_of(keras)
    with strategy.scope():
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[auc])
    return fit(model)


@case
def optimizer_outside_inline_schedule(tf, keras, strategy):
    """A learning-rate schedule made outside, the optimizer inside."""
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, 10, 0.9)
    with strategy.scope():
        model = model_of(keras)
        model.compile(optimizer=keras.optimizers.Adam(schedule), loss="binary_crossentropy")
    return fit(model)


@case
def model_outside(tf, keras, strategy):
    """Built (with an Input) outside, compiled inside."""
    model = model_of(keras)
    with strategy.scope():
        model.compile(optimizer="adam", loss="binary_crossentropy")
    return fit(model)


@case
def model_outside_unbuilt(tf, keras, strategy):
    """A Sequential without an Input (no variables yet) made outside, compiled inside."""
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    with strategy.scope():
        model.compile(optimizer="adam", loss="binary_crossentropy")
    return fit(model)


@case
def layer_outside(tf, keras, strategy):
    """An unbuilt layer made outside, put into a model inside."""
    dense = keras.layers.Dense(1, activation="sigmoid")
    with strategy.scope():
        model = keras.Sequential([keras.Input((4,)), dense])
        model.compile(optimizer="adam", loss="binary_crossentropy")
    return fit(model)


@case
def metric_outside(tf, keras, strategy):
    auc = keras.metrics.AUC()
    with strategy.scope():
        model = model_of(keras)
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[auc])
    return fit(model)


@case
def loss_outside(tf, keras, strategy):
    loss = keras.losses.BinaryCrossentropy()
    with strategy.scope():
        model = model_of(keras)
        model.compile(optimizer="adam", loss=loss)
    return fit(model)


def saved_model_path(tf, keras, strategy, directory):
    with strategy.scope():
        model = model_of(keras)
        model.compile(optimizer="adam", loss="binary_crossentropy")
    suffix = ".keras" if keras.__name__.startswith("keras") else ".h5"
    path = os.path.join(directory, "model" + suffix)
    model.save(path)
    return path


@case
def load_model_outside(tf, keras, strategy):
    """tf.keras.models.load_model outside, compiled again inside."""
    with tempfile.TemporaryDirectory() as directory:
        model = keras.models.load_model(saved_model_path(tf, keras, strategy, directory))
        with strategy.scope():
            model.compile(optimizer="adam", loss="binary_crossentropy")
        return fit(model)


@case
def load_model_outside_fit(tf, keras, strategy):
    """Loaded (and compiled by load_model) outside, fitted with no scope at all."""
    with tempfile.TemporaryDirectory() as directory:
        model = keras.models.load_model(saved_model_path(tf, keras, strategy, directory))
        return fit(model)


@case
def saving_load_model_outside(tf, keras, strategy):
    """keras.saving.load_model (`import keras`: Keras 3; tf_keras.saving with tf-keras;
    Keras 3's tf.keras has no `saving`) outside."""
    import importlib

    package = importlib.import_module("keras" if keras.__name__.startswith("keras") else "tf_keras")
    with tempfile.TemporaryDirectory() as directory:
        model = package.saving.load_model(saved_model_path(tf, keras, strategy, directory))
        with strategy.scope():
            model.compile(optimizer="adam", loss="binary_crossentropy")
        return fit(model)


@case
def checkpoint_restored_outside(tf, keras, strategy):
    """Model and optimizer made in the scope; a tf.train.Checkpoint restored outside."""
    with tempfile.TemporaryDirectory() as directory:
        with strategy.scope():
            model = model_of(keras)
            optimizer = keras.optimizers.Adam(1e-3)
            model.compile(optimizer=optimizer, loss="binary_crossentropy")
        fit(model)
        path = tf.train.Checkpoint(model=model, optimizer=optimizer).save(
            os.path.join(directory, "ckpt"))
        with strategy.scope():
            model = model_of(keras)
            optimizer = keras.optimizers.Adam(1e-3)
            model.compile(optimizer=optimizer, loss="binary_crossentropy")
        tf.train.Checkpoint(model=model, optimizer=optimizer).restore(path)
        return fit(model)


@case
def keras_distribution_mixed(tf, keras, strategy):
    """Keras 3's own keras.distribution API set, then a tf.distribute scope."""
    import keras as keras_package

    distribution = keras_package.distribution
    devices = distribution.list_devices()
    distribution.set_distribution(distribution.DataParallel(devices=devices))
    with strategy.scope():
        model = model_of(keras)
        model.compile(optimizer="adam", loss="binary_crossentropy")
    return fit(model)


def cell(flavour, name):
    tf, keras, strategy = setup(flavour)
    try:
        print("trains", CASES[name](tf, keras, strategy))
    except Exception as error:  # the outcome is what we measure
        first = (str(error).strip().splitlines() or [""])[0]
        print(f"{type(error).__name__}: {first[:160]}")


def table():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.pop("TF_USE_LEGACY_KERAS", None)
    print("| case | Keras 3 (tf.keras, TF 2.21) | tf-keras 2.21 |")
    print("| --- | --- | --- |")
    for name in CASES:
        row = []
        for flavour in ("keras3", "tf_keras"):
            done = subprocess.run([sys.executable, __file__, flavour, name], env=env,
                                  capture_output=True, text=True, timeout=600)
            lines = done.stdout.strip().splitlines()
            row.append(lines[-1] if lines else f"exit {done.returncode}: "
                       + (done.stderr.strip().splitlines() or [""])[-1][:160])
        print(f"| {name} | " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        cell(sys.argv[1], sys.argv[2])
    else:
        table()
