"""Decisions that depend on the kind of strategy."""
import tensorflow as tf


def steps_per_loop(strategy):
    if isinstance(strategy, tf.distribute.experimental.TPUStrategy):
        return 100
    return 1
