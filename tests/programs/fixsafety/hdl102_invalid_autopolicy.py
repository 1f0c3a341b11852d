# hdl-expect: unfixed
# hdl-findings: HDL102
"""HDL102 INVALID: AutoPolicy existed in TF 2.3-2.4 only: ImportError on TF 2.21, no fix."""
import tensorflow as tf
from tensorflow.python.distribute.values import AutoPolicy

print(AutoPolicy, tf.__version__)
