"""The /api/v1 resource blueprints; each view parses, calls one domain function, returns."""
