"""Crew cohesion model."""
