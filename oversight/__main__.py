"""``python -m oversight``: the command line (oversight/cli/main.py says what it does)."""

import sys

from oversight.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
