"""Running the project's command-line tools from a test, the way a user does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def run(
    *args: str,
    cwd: Path,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``python -m ARGS`` in ``cwd``, with ``env`` added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        input=stdin,
        env={**os.environ, **env} if env else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def ingest_corpus(root: Path) -> dict[str, Any]:
    """Run the ingest CLI on ``root/corpus`` into ``root/index``; its JSON report (the run
    must succeed)."""
    done = run("ingest", "corpus", "--index", "index", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report
