"""SQLAlchemy 2.0 ORM: tables, relationships and the engine/session factory.

Imports nothing of ours.
"""
