"""Uses a namespace import, experimental_distribute_datasets_from_function and
experimental_run_v2: fails on TF 2.21 as written, runs once hub-dist-fix has fixed it."""
from tensorflow.distribute import MirroredStrategy
import tensorflow as tf

strategy = MirroredStrategy()


def dataset_fn(context):
    return tf.data.Dataset.from_tensor_slices(tf.range(8, dtype=tf.float32)).batch(2)


dataset = strategy.experimental_distribute_datasets_from_function(dataset_fn)


@tf.function
def step(batch):
    return strategy.experimental_run_v2(lambda x: tf.reduce_sum(x * 2.0), args=(batch,))


total = 0.0
for batch in dataset:
    total += float(strategy.reduce(tf.distribute.ReduceOp.SUM, step(batch), axis=None))
print(type(strategy).__name__, strategy.num_replicas_in_sync, "total", total)
