#!/usr/bin/env python
"""Django's command-line utility for civicportal."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicportal.settings")
    from django.core.management import execute_from_command_line

    from civicportal.config import ConfigError

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        # One line that names the variable, instead of a traceback.
        sys.stderr.write(f"civicportal: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
