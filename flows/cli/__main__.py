"""``python -m flows.cli``: the ``penholder`` command (how penholder starts a process of its own)."""

import sys

from flows.cli import main

sys.exit(main())
