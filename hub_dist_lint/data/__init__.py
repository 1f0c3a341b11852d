"""Package data for hub-dist-lint.

Generated, never edited by hand: ``api_map.json.gz`` and ``symbol_history.json.gz``
(``generate_api_map.py``), ``distribute_changes.json``
(``generate_distribute_changes.py``), both read from the TensorFlow wheels.
Written by hand: ``hints.json``, advice for private names people import by mistake
(what the name was, what to do instead); it never says which names exist.
"""
