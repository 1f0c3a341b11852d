# hdl-expect: repair
# hdl-findings: HDL402
"""HDL402 INVALID: `from tensorflow.distribute import MirroredStrategy`: ImportError on TF 2.7+."""
from tensorflow.distribute import MirroredStrategy

strategy = MirroredStrategy(["/cpu:0"])
print(type(strategy).__name__, strategy.num_replicas_in_sync)
