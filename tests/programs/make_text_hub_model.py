"""A tiny text-embedding SavedModel in the TF Hub reusable format, for the notebooks of
tests/test_tf_notebooks.py: sentences (a [None] tf.string tensor) -> [None, 8] float32,
each word hashed into a trainable 64x8 table and the words' vectors averaged, as
nnlm/gnews-swivel do. Usage: python make_text_hub_model.py OUT_DIR"""
import sys

import tensorflow as tf

obj = tf.train.Checkpoint()
obj.table = tf.Variable(tf.random.stateless_normal([64, 8], seed=[1, 2]))
obj.variables = [obj.table]
obj.trainable_variables = [obj.table]


@tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
def embed(sentences):
    words = tf.strings.split(sentences)
    ids = tf.strings.to_hash_bucket_fast(words, 64)
    return tf.reduce_mean(tf.ragged.map_flat_values(tf.gather, obj.table, ids), axis=1)


obj.__call__ = embed
tf.saved_model.save(obj, sys.argv[1])
