# hdl-expect: keep
# hdl-findings: none
"""HDL302 VALID: `.configure(...)` on something that is not a strategy."""
import argparse

import tensorflow as tf


class Parser(argparse.ArgumentParser):
    def configure(self, **defaults):
        self.set_defaults(**defaults)
        return self


parser = Parser().configure(x=1)  # not a strategy
print(parser.parse_args([]).x, tf.distribute.get_strategy().num_replicas_in_sync)
