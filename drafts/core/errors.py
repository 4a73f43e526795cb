"""The one exception tree of penholder.

Every error a user can cause is a ``PenholderError`` whose message is one sentence naming the
thing, the rule and (where there is one) the way out. The CLI prints ``str(error)`` and exits
non-zero; nothing else is printed and nothing was changed.

    PenholderError
    ├── WorkspaceError            not a workspace, edits in the way, malformed YAML, no identity
    │   ├── NotAWorkspace
    │   ├── DirtyWorkspace
    │   ├── ConfigError           guideline.yaml, people.yaml, egms.yaml, front matter
    │   ├── IdentityError         nobody to commit as
    │   └── WorkspaceBusy         another writer held the workspace past the wait allowed
    ├── NotFound                  unknown chapter, revision, person, group, round, packet
    ├── StageRefused              a transition the stage rules forbid (carries the rule)
    ├── DocumentError             a .docx penholder cannot use
    │   ├── NotAWordDocument      .doc, .odt, .pdf, .rtf renamed, macro-enabled, corrupt zip
    │   ├── UnsafeDocument        zip bomb, too many parts, DTD / entities
    │   └── TemplateError         reference.docx missing a style
    ├── RenderError               pandoc failed
    ├── ReturnRefused             a returned file that cannot be taken (quarantined)
    └── MailError                 SMTP refused or timed out (message kept in outbox/)
"""

from __future__ import annotations


class PenholderError(Exception):
    """Base of every error penholder raises on purpose."""


class WorkspaceError(PenholderError):
    """The guideline workspace cannot be used as it is."""


class NotAWorkspace(WorkspaceError):
    """The folder is not a penholder workspace."""


class DirtyWorkspace(WorkspaceError):
    """A command would overwrite uncommitted edits, or init a folder that is not empty."""


class ConfigError(WorkspaceError):
    """A workspace file (YAML or front matter) is malformed."""


class IdentityError(WorkspaceError):
    """No identity to commit as."""


class WorkspaceBusy(WorkspaceError):
    """Another penholder writer held the workspace longer than this one would wait."""


class NotFound(PenholderError):
    """An unknown chapter, revision, person, group, round or packet."""


class StageRefused(PenholderError):
    """The stage rules refuse a transition; ``rule`` names the rule that refused."""

    def __init__(self, message: str, rule: str = "") -> None:
        super().__init__(message)
        self.rule = rule


class DocumentError(PenholderError):
    """A .docx penholder cannot use."""


class NotAWordDocument(DocumentError):
    """The file is not a Word (.docx) document."""


class UnsafeDocument(DocumentError):
    """The file is refused for safety: zip bomb, too many parts, DTDs or entities."""


class TemplateError(DocumentError):
    """The reference template lacks something rendering needs."""


class RenderError(PenholderError):
    """pandoc failed to render a chapter."""


class ReturnRefused(PenholderError):
    """A returned file that cannot be taken; its verbatim copy is kept in quarantine/."""


class MailError(PenholderError):
    """Sending failed; the message stays in outbox/ marked unsent."""
