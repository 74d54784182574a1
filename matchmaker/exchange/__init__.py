"""The exchange format `circular-match-exchange/1`: validation, CSV, import and export."""
from matchmaker.identifiers import normalise_enterprise_number

from .csv_files import CsvDocument, columns, read_csv, read_csv_files
from .exporter import export_exchange
from .importer import Counts, ImportReport, import_csv, import_exchange, import_file
from .validation import FORMAT, validate

__all__ = [
    "FORMAT",
    "Counts",
    "CsvDocument",
    "ImportReport",
    "columns",
    "export_exchange",
    "import_csv",
    "import_exchange",
    "import_file",
    "normalise_enterprise_number",
    "read_csv",
    "read_csv_files",
    "validate",
]
