"""Scenario discovery (placeholder; filled in by the next commit)."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """No command yet."""
