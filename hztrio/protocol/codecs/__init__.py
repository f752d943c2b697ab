"""Codec declarations, one module per protocol service (generated; see ``_generate.py``)."""
