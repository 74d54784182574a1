"""Text -> vectors (embedders) and vectors -> nearest ids (indexes).

Knows nothing of the domain or the database: strings, ids and numpy arrays
in, ids and scores out.
"""
