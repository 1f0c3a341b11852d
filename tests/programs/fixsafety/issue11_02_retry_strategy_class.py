# hdl-expect: keep
# hdl-findings: none
"""Issue 11 item 2: a user class named like a strategy, with its own old-style methods.

`retry_strategy` is a `RetryStrategy` defined here, not a tf.distribute strategy:
renaming its calls to `.run()` / `.experimental_local_results()` raises AttributeError.
"""
import tensorflow as tf


class RetryStrategy:
    """Retries a flaky step a fixed number of times."""

    def __init__(self, attempts):
        self.attempts = attempts

    def experimental_run_v2(self, fn, args=()):
        results = []
        for _ in range(self.attempts):
            results.append(fn(*args))
        return results

    def unwrap(self, results):
        return results[-1]


retry_strategy = RetryStrategy(3)
results = retry_strategy.experimental_run_v2(lambda x: tf.reduce_sum(x).numpy(), args=(tf.ones(3),))
print(len(results), float(retry_strategy.unwrap(results)))
