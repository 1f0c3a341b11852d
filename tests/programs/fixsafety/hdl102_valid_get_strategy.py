# hdl-expect: keep
# hdl-findings: none
"""HDL102 VALID: the public default strategy."""
import tensorflow as tf

strategy = tf.distribute.get_strategy()
print(type(strategy).__name__, strategy.num_replicas_in_sync)
