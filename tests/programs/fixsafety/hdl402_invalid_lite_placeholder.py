# hdl-expect: repair
# hdl-findings: HDL402
"""HDL402 INVALID: tensorflow.lite has always been an empty placeholder package for `from`."""
from tensorflow.lite import TFLiteConverter

print(TFLiteConverter.__name__)
