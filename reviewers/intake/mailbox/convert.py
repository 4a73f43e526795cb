"""A .odt or .doc attachment: converted to .docx when a converter is given, else refused.

``Converter`` is ``(data, name) -> docx bytes`` (the flow passes LibreOffice's, from
``drafts.word.office``); the original stays verbatim in the stored message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePath

from drafts.core.errors import PenholderError
from reviewers.intake.mailbox.message import WORD, Attachment, Step

Converter = Callable[[bytes, str], bytes]


def convert_step(step: Step, converter: Converter | None) -> Step:
    """Return the step for a .docx converted from ``step``'s attachment, or a refusal."""
    a = step.attachment
    ask = "please save it as a Word document (.docx) and reply with that file"
    if step.action != "intake":
        return step
    if converter is None:
        return replace(step, action="refuse", reason=f"{a.name} is a .{a.kind} file; {ask}")
    try:
        data = converter(a.data, a.name)
    except PenholderError as e:
        return replace(
            step, action="refuse", reason=f"{a.name} could not be converted ({e}); {ask}"
        )
    name = f"{PurePath(a.name).stem}.docx"
    return Step(Attachment(name, a.content_type, data, WORD), "intake")
