# hdl-expect: keep
# hdl-findings: none
"""HDL402 VALID: namespaces without a placeholder package import fine."""
from tensorflow import distribute
from tensorflow.data import Dataset
from tensorflow.keras.layers import Dense

print([int(x) for x in Dataset.range(3)], distribute.MirroredStrategy.__name__, Dense.__name__)
