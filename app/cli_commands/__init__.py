"""CLI sub-commands, one module an area; each module defines `register(commands)` (see app/cli.py)."""
