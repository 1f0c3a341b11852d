# hdl-expect: keep
# hdl-findings: none
"""HDL201 VALID: hub.load with no strategy in play."""
import sys

import tensorflow as tf
import tensorflow_hub as hub

model = hub.load(sys.argv[1])  # no strategy in play
print(type(model.v).__name__, model(tf.ones((1, 4))).numpy().tolist())
