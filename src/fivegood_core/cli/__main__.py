"""``python -m fivegood_core.cli``: the command line, where the console script is not on PATH."""

import sys

from fivegood_core.cli.main import main

sys.exit(main())
