"""`python -m bot`: the same as the `newsdesk` command."""

import sys

from bot.cli import main

sys.exit(main())
