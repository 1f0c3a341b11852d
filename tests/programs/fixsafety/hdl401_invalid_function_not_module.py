# hdl-expect: repair
# hdl-findings: HDL401
"""HDL401: `import tensorflow.nn.relu`: relu is a function, not a module."""
import tensorflow.nn.relu

print(tensorflow.nn.relu([-1.0, 2.0]).numpy().tolist())
