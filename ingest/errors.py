"""Typed ingestion errors with messages a municipal clerk can act on.

Library code raises them (chaining the cause with ``raise … from e``); the entry points turn
them into one line per file.
"""


class IngestError(Exception):
    """A file could not be read; the message names the file and what to do."""


class UnsupportedFile(IngestError):
    pass


class FileVanished(IngestError):
    """The file was there when the folder was searched and is gone now."""


class UnreadableFile(IngestError):
    """The file cannot be opened: no permission, not a regular file (a FIFO, a device)."""


class EmptyFile(IngestError):
    """The file has zero bytes."""


class TooLarge(IngestError):
    """The file has more bytes than the limit (``NAMNDSVAR_MAX_BYTES``, ``--max-bytes``)."""


class NotUtf8(IngestError):
    pass


class NotText(IngestError):
    """A text file with NUL bytes: a binary file, or UTF-16 without a byte order mark."""


class NotAPdf(IngestError):
    pass


class DamagedPdf(NotAPdf):
    """A PDF that neither pypdf nor pdfium can read, not even by rebuilding its xref."""


class EncryptedPdf(IngestError):
    pass


class TooManyPages(IngestError):
    """A PDF with more pages than the limit (``NAMNDSVAR_MAX_PAGES``, ``--max-pages``)."""


class EmptyDocument(IngestError):
    pass


class OcrUnavailable(IngestError):
    """Tesseract or its Swedish data is missing."""


class OcrFailed(IngestError):
    pass


class OcrTimeout(IngestError):
    """OCR of a file took longer than the limit (``NAMNDSVAR_OCR_TIMEOUT``, ``--ocr-timeout``)."""


class UnreadablePages(IngestError):
    """No page of a PDF could be read (OCR missing or failing on every page that needs it)."""
