"""Runs keras3_functional_lib.train (the driver has no Keras of its own)."""
import sys

import keras3_functional_lib

keras3_functional_lib.train(sys.argv[1])
