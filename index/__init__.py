"""Index: embeddings in Chroma, Swedish BM25, and their fusion."""
