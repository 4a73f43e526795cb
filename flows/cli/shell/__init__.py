"""What every command shares around it: the common options (anywhere on the line), ``--version``,
progress on the terminal and shell completion. Light imports only: ``--help`` stays fast."""
