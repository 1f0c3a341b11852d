# hdl-expect: keep
# hdl-findings: none
"""HDL101 VALID: `from .python.framework import ops` inside a package is the package's own module."""
import mylib

print(mylib.ops.describe())
