# hdl-expect: unfixed
# hdl-findings: HDL104
"""HDL104 INVALID: a star import from a private module (it runs here; there is no fix)."""
from tensorflow.python.ops.array_ops import *  # noqa: F403

print(zeros([2]).numpy().tolist())  # noqa: F405
