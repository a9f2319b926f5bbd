"""arwatch: collections early warning and credit control."""

__version__ = "0.1.0"
