"""``python -m greencert_desktop`` starts the GUI (or runs a command given as arguments)."""

import sys

from greencert_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
