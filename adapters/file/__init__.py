"""File source: CSV or XLSX exports from any accounting package, mapped by the config.

``FileSource(company, mapping, records)`` pulls the files into raw records and writes back into
the state store's written-state tables plus an outbox folder (a file cannot be written into).
The column mapping is documented in ``mapping.py`` and ``examples/ibm-ar.toml``.
"""

from .mapping import FileMapping, InvoiceColumns, MappingError, PaymentColumns
from .source import FileSource

__all__ = ["FileMapping", "FileSource", "InvoiceColumns", "MappingError", "PaymentColumns"]
