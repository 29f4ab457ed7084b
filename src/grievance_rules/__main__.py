"""``python -m grievance_rules``: the same as the ``grievance-rules`` command."""

from grievance_rules.cli import main

if __name__ == "__main__":
    main()
