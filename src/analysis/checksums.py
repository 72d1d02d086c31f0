"""SHA-256 checksums of files and folders: the raw intake checks each file against
data/raw/sources.yaml, the notebook runner hashes notebooks, parameters and data/processed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from analysis.paths import DATA_PROCESSED


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tree_files(directory: Path) -> list[Path]:
    """Files under `directory`, sorted, leaving out hidden files, caches and compiled Python."""
    files = []
    for path in directory.rglob("*"):
        parts = path.relative_to(directory).parts
        if any(p.startswith(".") or p == "__pycache__" for p in parts) or path.suffix == ".pyc":
            continue
        if path.is_file():
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(directory).as_posix())


def tree_checksum(directory: Path) -> str:
    """One SHA-256 for a folder: over each file's relative path and content hash, in path order.

    A missing or empty folder gives the hash of nothing, so "no data" is a state like any other.
    """
    digest = hashlib.sha256()
    directory = Path(directory)
    if directory.is_dir():
        for path in _tree_files(directory):
            digest.update(f"{path.relative_to(directory).as_posix()}\t{sha256_of(path)}\n".encode())
    return digest.hexdigest()


def data_checksum(data_dir: Path = DATA_PROCESSED) -> str:
    """Checksum of the processed dataset (every file under data/processed)."""
    return tree_checksum(data_dir)
