"""`python -m bot` runs the same program as the `aiguilleur` script."""

import sys

from .cli import main

sys.exit(main())
