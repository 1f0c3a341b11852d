"""hub-dist-lint: find and fix private TensorFlow imports and distribution-strategy traps."""

__version__ = "0.1.0"
