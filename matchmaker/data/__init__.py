"""JSON data of the vocabularies: labels, synonyms, conversion factors, the EURAL list."""
