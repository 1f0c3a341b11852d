# hdl-expect: keep
# hdl-findings: none
"""HDL401 VALID: `import tensorflow.x as y` forms that bind the API module by attribute."""
import tensorflow.compat.v1 as tf1
import tensorflow.distribute as tfd  # bound by attribute: the API module
import tensorflow.keras.layers as layers

print(tfd.MirroredStrategy.__name__, layers.Dense.__name__, tf1.Session.__name__)
