"""Build ``templates/reference.docx``, penholder's house style, from pandoc's default reference.

Run ``python templates/build_reference.py`` (from anywhere) and commit the result; what the house
style holds is described in ``drafts/ooxml/write/reference.py``, which does the work. The output
is deterministic (fixed zip timestamps and core properties).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from drafts.markdown.pandoc import pandoc_path  # noqa: E402
from drafts.ooxml.write.reference import build_reference  # noqa: E402

OUT = Path(__file__).resolve().parent / "reference.docx"


def build(out: Path = OUT) -> Path:
    """Write the house-style reference document to ``out`` and return it."""
    with tempfile.TemporaryDirectory() as tmp:
        default = Path(tmp) / "default.docx"
        args = ["-o", str(default), "--print-default-data-file", "reference.docx"]
        subprocess.run([pandoc_path(), *args], check=True)
        return build_reference(default, out)


if __name__ == "__main__":
    print(build())
