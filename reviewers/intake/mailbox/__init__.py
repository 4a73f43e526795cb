"""Returns by e-mail: messages fetched from IMAP or a Maildir, stored verbatim, taken through
intake, acknowledged in their thread, each exactly once (see ``docs/returns.md``, Mail)."""
