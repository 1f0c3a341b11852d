# hdl-expect: repair
# hdl-findings: HDL402
"""HDL402 INVALID: `from tensorflow.distribute import experimental` binds an empty package."""
import tensorflow as tf
from tensorflow.distribute import experimental as tde

print(tde.CentralStorageStrategy.__name__, tf.__version__.split(".")[0])
