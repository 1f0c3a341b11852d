"""Package data for hub-dist-lint.

Generated, never edited by hand: ``api_map.json.gz`` and ``symbol_history.json.gz``
(``generate_api_map.py``), ``distribute_changes.json``
(``generate_distribute_changes.py``), both read from the TensorFlow wheels;
``hub_api.json`` (``generate_hub_api.py``), from the tensorflow-hub and tf-keras wheels.
``keras_reexports.json.gz`` (``generate_keras_reexports.py``), from the Keras and tf-keras
wheels: private package names that re-export an object, and Keras 3's own ``keras.*`` names.
Written by hand: ``hints.json``, advice for private names people import by mistake
(what the name was, what to do instead); it never says which names exist.
``hub_successors.json``: what replaces tensorflow_hub's TF 1 API, from hub's migration docs.
"""
