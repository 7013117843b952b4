"""Indexing a test's corpus folder the way a user does: ``python -m ingest corpus``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def ingest_corpus(root: Path) -> dict[str, Any]:
    """Run the ingest CLI on ``root/corpus`` into ``root/index``; its JSON report (the run
    must succeed)."""
    done = subprocess.run(
        [sys.executable, "-m", "ingest", "corpus", "--index", "index", "--json"],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report
