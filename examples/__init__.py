"""Data package: example guidelines that ``penholder init DIR --example`` copies."""

from importlib.resources import files
from pathlib import Path


def path(name: str = "smart-cities") -> Path:
    """Return the folder of an example guideline, wherever penholder is installed."""
    return Path(str(files(__name__))) / name
