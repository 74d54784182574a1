"""The ranking engine: docs -> candidates -> features -> scorer -> explanations.

Works on plain dataclasses and numpy arrays; imports only `indexing` and the
taxonomy/analysis parts of `matchmaker`, never the database or Flask.
"""
