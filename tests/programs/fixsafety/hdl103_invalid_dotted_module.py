# hdl-expect: repair
# hdl-findings: HDL103
"""HDL103 INVALID: `import tensorflow.python.framework.ops` used by its dotted name.

On TF 2.21 the import succeeds but `tensorflow.python` is not an attribute of the
`tensorflow` module: AttributeError. The public spelling runs.
"""
import tensorflow.python.framework.ops

x = tensorflow.python.framework.ops.convert_to_tensor([1.0])
print(x.dtype.name, x.numpy().tolist())
