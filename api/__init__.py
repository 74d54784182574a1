"""The web layer: Flask app factory, blueprints, schemas, auth, pages, CLI."""
