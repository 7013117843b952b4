"""Typed ingestion errors with messages a municipal clerk can act on."""


class IngestError(Exception):
    """A file could not be read; the message names the file and what to do."""


class UnsupportedFile(IngestError):
    pass


class NotUtf8(IngestError):
    pass


class NotAPdf(IngestError):
    pass


class EncryptedPdf(IngestError):
    pass


class EmptyDocument(IngestError):
    pass


class OcrUnavailable(IngestError):
    """Tesseract or its Swedish data is missing."""


class OcrFailed(IngestError):
    pass


class UnreadablePages(IngestError):
    """No page of a PDF could be read (OCR missing or failing on every page that needs it)."""
