# hdl-expect: keep
# hdl-findings: none
"""HDL104 VALID: a star import from the public package, if unwise: it even rebinds `print`
to `tf.print` (which writes to stderr), so this program writes with builtins.print."""
import builtins

from tensorflow import *  # noqa: F403

builtins.print(zeros([2]).numpy().tolist(), print.__module__)  # noqa: F405
