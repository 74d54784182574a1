"""The domain: taxonomy, text analysis, the ranking engine, and the services
(registration, review workflow, KPIs, exchange format) that load and save
through `models` and call the engine. Never Flask, never marshmallow.
"""
