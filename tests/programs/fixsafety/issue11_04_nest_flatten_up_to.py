# hdl-expect: unfixed
# hdl-findings: HDL103
"""Issue 11 item 4: a private name with no public one: `nest.flatten_up_to`.

`tf.__internal__.nest.flatten_up_to` is not public API either: no fix may write it.
"""
import tensorflow as tf
from tensorflow.python.util import nest

structure = {"a": (1, 2), "b": 3}
print(nest.flatten_up_to({"a": None, "b": None}, structure), tf.nest.flatten(structure))
