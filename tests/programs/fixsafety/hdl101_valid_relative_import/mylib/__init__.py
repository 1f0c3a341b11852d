from .python.framework import ops  # relative: not TensorFlow's

__all__ = ["ops"]
