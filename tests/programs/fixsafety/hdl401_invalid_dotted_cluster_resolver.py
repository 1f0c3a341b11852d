# hdl-expect: repair
# hdl-findings: HDL401
"""HDL401 INVALID: `import tensorflow.distribute.cluster_resolver` used by its dotted name."""
import tensorflow.distribute.cluster_resolver

r = tensorflow.distribute.cluster_resolver.TPUClusterResolver
print(r.__name__)
