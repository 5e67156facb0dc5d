"""Rapport: offline qualitative coding of psychotherapy transcripts."""

__version__ = "0.1.0"
APP_NAME = "Rapport"
ORG_NAME = "Rapport"
