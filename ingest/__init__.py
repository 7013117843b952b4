"""Ingestion: read documents, clean them, split them by their own structure, describe them."""
