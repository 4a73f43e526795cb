"""Data package: the reference .docx, its build script, letter and matrix templates."""

from importlib.resources import files
from pathlib import Path


def path(name: str = "") -> Path:
    """Return the path of a template file (or of the folder), wherever penholder is installed."""
    return Path(str(files(__name__))) / name
