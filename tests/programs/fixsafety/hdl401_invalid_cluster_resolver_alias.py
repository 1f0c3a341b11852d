# hdl-expect: repair
# hdl-findings: HDL401
"""HDL401 INVALID: `import tensorflow.distribute.cluster_resolver as ...`: ModuleNotFoundError
on TF 2.7+ (an empty tensorflow/distribute/ package hides the API namespace)."""
import tensorflow.distribute.cluster_resolver as cluster_resolver
from tensorflow import train

resolver = cluster_resolver.SimpleClusterResolver(train.ClusterSpec({"worker": ["localhost:2222"]}))
print(type(resolver).__name__, resolver.cluster_spec().as_dict())
