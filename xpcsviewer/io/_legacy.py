"""Placeholder: legacy APS layout reader (filled in below)."""

NAME = "aps-legacy"
