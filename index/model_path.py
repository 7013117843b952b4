"""Where a model a person names lives: a folder on this machine, or a name to fetch."""

from __future__ import annotations

from pathlib import Path

LOCAL = ("/", "./", "../", "~")


def model_location(name: str) -> str:
    """``name`` as a model library takes it: a path (``~`` expanded) when it names a folder
    here, else the name as given. Raises ``FileNotFoundError`` when a path names no folder."""
    if not name.startswith(LOCAL):
        return name
    folder = Path(name).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(name)
    return str(folder)
