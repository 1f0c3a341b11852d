# hdl-expect: keep
# hdl-findings: none
"""HDL301 VALID: `runner.experimental_run_v2` on an object that is not a strategy."""
import tensorflow as tf


class Runner:
    def experimental_run_v2(self, fn, *args):
        return fn(*args)


runner = Runner()
print(runner.experimental_run_v2(lambda x: int(tf.reduce_sum(x)), tf.ones(4)))  # not a strategy
