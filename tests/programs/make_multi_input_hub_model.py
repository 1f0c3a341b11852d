"""A SavedModel whose function takes three [None, 4] float32 tensors, as a list or as a dict
keyed like a BERT encoder's inputs (input_word_ids, input_mask, input_type_ids), and gives
[None, 4]: one trainable 4x4 variable. Usage: python make_multi_input_hub_model.py OUT_DIR list|dict"""
import sys

import tensorflow as tf

KEYS = ("input_word_ids", "input_mask", "input_type_ids")
spec = tf.TensorSpec([None, 4], tf.float32)
obj = tf.train.Checkpoint()
obj.v = tf.Variable(tf.ones((4, 4)))
obj.variables = [obj.v]
obj.trainable_variables = [obj.v]
if sys.argv[2] == "list":
    obj.__call__ = tf.function(lambda x: tf.matmul(x[0] + x[1] + x[2], obj.v),
                               input_signature=[[spec, spec, spec]])
else:
    obj.__call__ = tf.function(lambda x: tf.matmul(sum(x[k] for k in KEYS), obj.v),
                               input_signature=[{k: spec for k in KEYS}])
tf.saved_model.save(obj, sys.argv[1])
