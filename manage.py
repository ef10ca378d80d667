#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")
    from django.core.management import execute_from_command_line

    from core.production import RefusedInProduction

    try:
        execute_from_command_line(sys.argv)
    except RefusedInProduction as refusal:
        # The operator's message, on one line, instead of a traceback through Django's internals.
        sys.exit(str(refusal))


if __name__ == "__main__":
    main()
