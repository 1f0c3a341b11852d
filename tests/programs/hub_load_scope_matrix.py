"""Issue 11 item 1: when is a SavedModel restored outside `strategy.scope()` a real fault?

Every case runs twice, the model loaded OUTSIDE and INSIDE the scope of a
MirroredStrategy over 2 logical CPUs, each in its own `python3` process:

    python3 hub_load_scope_matrix.py MODEL              # the whole table
    python3 hub_load_scope_matrix.py MODEL CASE WHERE   # one cell (WHERE: outside|inside)

MODEL is a SavedModel made by make_hub_model.py. A cell prints the variable type and a
rounded result, or the exception's first line.
"""
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

CASES = {}


def case(function):
    CASES[function.__name__] = function
    return function


def setup():
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    return tf, tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def load(tf, strategy, path, where):
    import tensorflow_hub as hub

    if where == "inside":
        with strategy.scope():
            return hub.load(path)
    return hub.load(path)


def sums(tf, strategy, value):
    parts = strategy.experimental_local_results(value)
    return [round(float(tf.reduce_sum(part)), 3) for part in parts]


@case
def call_in_scope(tf, strategy, path, where):
    """Called directly inside `with strategy.scope():` (cross-replica context)."""
    loaded = load(tf, strategy, path, where)
    with strategy.scope():
        return loaded.v, loaded(tf.ones((2, 4)))


@case
def call_in_scope_tf_function(tf, strategy, path, where):
    loaded = load(tf, strategy, path, where)
    with strategy.scope():
        return loaded.v, tf.function(lambda: loaded(tf.ones((2, 4))))()


@case
def call_outside_scope(tf, strategy, path, where):
    loaded = load(tf, strategy, path, where)
    return loaded.v, loaded(tf.ones((2, 4)))


@case
def run_eager(tf, strategy, path, where):
    """Called per replica by strategy.run, eagerly."""
    loaded = load(tf, strategy, path, where)
    return loaded.v, strategy.run(loaded, args=(tf.ones((2, 4)),))


@case
def run_tf_function(tf, strategy, path, where):
    loaded = load(tf, strategy, path, where)
    return loaded.v, tf.function(lambda x: strategy.run(loaded, args=(x,)))(tf.ones((2, 4)))


def optimizer_step(tf, loaded, optimizer):
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(loaded(x))
        grads = tape.gradient(loss, loaded.trainable_variables)
        optimizer.apply_gradients(zip(grads, loaded.trainable_variables))
        return loss
    return step


@case
def train_tape_optimizer_run(tf, strategy, path, where):
    """GradientTape + optimizer (made in the scope) in strategy.run, in a tf.function."""
    loaded = load(tf, strategy, path, where)
    with strategy.scope():
        optimizer = tf.keras.optimizers.SGD(0.1)
    tf.function(lambda x: strategy.run(optimizer_step(tf, loaded, optimizer), args=(x,)))(
        tf.ones((2, 4)))
    return loaded.v, loaded.v


@case
def train_tape_optimizer_run_eager(tf, strategy, path, where):
    loaded = load(tf, strategy, path, where)
    with strategy.scope():
        optimizer = tf.keras.optimizers.SGD(0.1)
    strategy.run(optimizer_step(tf, loaded, optimizer), args=(tf.ones((2, 4)),))
    return loaded.v, loaded.v


@case
def train_assign_sub_run(tf, strategy, path, where):
    """A hand-written SGD step (`v.assign_sub`) in strategy.run: one step from 16.0 is 12.8."""
    loaded = load(tf, strategy, path, where)

    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(loaded(x))
        loaded.v.assign_sub(0.1 * tape.gradient(loss, loaded.v))
    tf.function(lambda x: strategy.run(step, args=(x,)))(tf.ones((2, 4)))
    return loaded.v, loaded.v


@case
def train_without_strategy(tf, strategy, path, where):
    """GradientTape + optimizer outside the scope, no strategy.run: single-device training."""
    loaded = load(tf, strategy, path, where)
    optimizer_step(tf, loaded, tf.keras.optimizers.SGD(0.1))(tf.ones((2, 4)))
    return loaded.v, loaded.v


def keras_model(tf, strategy, make_layer, where, compile_in_scope=True):
    layer = make_layer() if where == "outside" else None
    with strategy.scope():
        layer = layer or make_layer()
        model = tf.keras.Sequential([tf.keras.Input((4,)), layer])
        if compile_in_scope:
            model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    return model


def fit(model):
    import numpy as np

    model.fit(np.ones((8, 4), "float32"), np.zeros((8, 4), "float32"), epochs=1, batch_size=4,
              verbose=0)
    return model.trainable_variables[0], model.trainable_variables[0]


@case
def fit_keras_layer_of_loaded(tf, strategy, path, where):
    """tf-keras hub.KerasLayer(hub.load(path)), model built, compiled in the scope, fit."""
    import tensorflow_hub as hub

    return fit(keras_model(tf, strategy, lambda: hub.KerasLayer(hub.load(path), trainable=True), where))


@case
def fit_keras_layer_of_path(tf, strategy, path, where):
    import tensorflow_hub as hub

    return fit(keras_model(tf, strategy, lambda: hub.KerasLayer(path, trainable=True), where))


@case
def predict_compiled(tf, strategy, path, where):
    """Compiled in the scope, then only predict."""
    import numpy as np
    import tensorflow_hub as hub

    model = keras_model(tf, strategy, lambda: hub.KerasLayer(path), where)
    return model.variables[0], model.predict(np.ones((4, 4), "float32"), batch_size=2, verbose=0)


@case
def predict_not_compiled(tf, strategy, path, where):
    import numpy as np
    import tensorflow_hub as hub

    model = keras_model(tf, strategy, lambda: hub.KerasLayer(path), where, compile_in_scope=False)
    return model.variables[0], model.predict(np.ones((4, 4), "float32"), batch_size=2, verbose=0)


@case
def fit_all_outside_scope(tf, strategy, path, where):
    """The layer made OUTSIDE/INSIDE the scope; model, compile and fit outside it."""
    import tensorflow_hub as hub

    if where == "inside":
        with strategy.scope():
            layer = hub.KerasLayer(path, trainable=True)
    else:
        layer = hub.KerasLayer(path, trainable=True)
    model = tf.keras.Sequential([tf.keras.Input((4,)), layer])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    return fit(model)


@case
def dataset_map(tf, strategy, path, where):
    loaded = load(tf, strategy, path, where)
    ds = tf.data.Dataset.from_tensor_slices(tf.ones((4, 4))).batch(2).map(loaded)
    return loaded.v, sum(float(tf.reduce_sum(batch)) for batch in ds)


def one_cell(path, name, where):
    tf, strategy = setup()
    variable, result = CASES[name](tf, strategy, path, where)
    print(type(variable).__name__, sums(tf, strategy, result))


def run_cell(path, name, where):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, __file__, path, name, where], capture_output=True,
                          text=True, env=env, timeout=600)
    if done.returncode == 0:
        return "runs: " + done.stdout.strip()
    return "FAILS: " + last_error(done.stderr)


def last_error(stderr):
    """The last exception line and its message, on one line, without the printed arrays."""
    lines = stderr.splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(r"\s*[\w.]*(Error|Exception): ", line)]
    text = " ".join(line.strip() for line in lines[starts[-1]:]) if starts else lines[-1]
    text = re.sub(r"numpy=\s*array\(.*?\)>", "...>", text)
    if "assertion failed:" in text:
        text = text.split(":", 1)[0] + ": " + text[text.index("assertion failed:"):]
    return re.sub(r"\s+", " ", text)[:320]


def table(path):
    cells = [(name, where) for name in CASES for where in ("outside", "inside")]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda cell: run_cell(path, *cell), cells))
    for (name, where), result in zip(cells, results):
        print(f"{name:32} {where:8} {result}")


if __name__ == "__main__":
    if len(sys.argv) == 4:
        one_cell(*sys.argv[1:])
    else:
        table(sys.argv[1])
