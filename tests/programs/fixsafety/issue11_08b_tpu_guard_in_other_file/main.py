# hdl-expect: keep
# hdl-findings: HDL303
"""Issue 11 item 8 across files: the constructor here, the isinstance guard in guards.py.

Rewriting the constructor to `tf.distribute.TPUStrategy` silently turns the other file's
guard off. No TPU here: offline_tpu's resolver stops the constructor, and the program looks
at the object it was building.
"""
import tensorflow as tf

import guards
import offline_tpu

try:
    strategy = tf.distribute.experimental.TPUStrategy(offline_tpu.OfflineResolver())
except offline_tpu.NoTPU as error:
    strategy = offline_tpu.under_construction(error)
print("steps per loop:", guards.steps_per_loop(strategy))
