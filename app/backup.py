"""The administrator's command for backups of the app's store: `python -m app.backup create|list|restore`.

Kept at this name, which the Makefile (`make backup`, `make restore`), the README and cron entries on the
servers use; the work is done in `app.store.backup`.
"""
import sys

from app.store.backup import main

if __name__ == "__main__":
    sys.exit(main())
