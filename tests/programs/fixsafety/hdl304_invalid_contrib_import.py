# hdl-expect: unfixed
# hdl-findings: HDL304
"""HDL304 INVALID: `from tensorflow.contrib.distribute import ...`: imports are not rewritten."""
from tensorflow.contrib.distribute import MirroredStrategy

print(MirroredStrategy().num_replicas_in_sync)
