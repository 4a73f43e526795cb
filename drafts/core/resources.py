"""Where penholder's data files are, wherever it is installed.

``template(name)`` is the path of a file of the ``templates`` data package (the reference .docx,
letter texts): read as package data, never imported as code, so the data package sits beside the
layers rather than above or below them. ``template()`` is the folder itself.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

TEMPLATES = "templates"
REFERENCE_DOCX = "reference.docx"
LETTERS = "letters"


def template(name: str = "") -> Path:
    """Return the path of the template file ``name`` (or of the templates folder)."""
    return Path(str(files(TEMPLATES))) / name


def reference_docx() -> Path:
    """Return the path of the house-style reference document every render starts from."""
    return template(REFERENCE_DOCX)


def letters() -> Path:
    """Return the folder of penholder's letter templates (``<name>.txt.j2``, Jinja2)."""
    return template(LETTERS)
