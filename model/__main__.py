"""``python -m model``: the command-line interface."""

import sys

from model.cli import main

sys.exit(main())
