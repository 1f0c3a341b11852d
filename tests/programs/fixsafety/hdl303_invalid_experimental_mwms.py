# hdl-expect: keep
# hdl-findings: HDL303
"""HDL303 INVALID: tf.distribute.experimental.MultiWorkerMirroredStrategy(), deprecated.

Single worker here. The fix rewrites the argument-free constructor to
tf.distribute.MultiWorkerMirroredStrategy() (a safe fix): the experimental class's
metaclass matches instances of the stable class, so the isinstance guards below, against
either name, hold before and after, and the strategy trains the same.
"""
import tensorflow as tf

strategy = tf.distribute.experimental.MultiWorkerMirroredStrategy()
print(isinstance(strategy, tf.distribute.experimental.MultiWorkerMirroredStrategy),
      isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy),
      strategy.num_replicas_in_sync)

with strategy.scope():
    weight = tf.Variable(2.0)


@tf.function
def step(x):
    def replica_step(x):
        with tf.GradientTape() as tape:
            loss = (weight * x - 1.0) ** 2
        weight.assign_sub(0.1 * tape.gradient(loss, weight))
        return loss
    return strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(replica_step, args=(x,)), None)


losses = [round(float(step(tf.constant(1.0))), 4) for _ in range(3)]
print("losses", losses, "weight", round(float(weight.numpy()), 4))
