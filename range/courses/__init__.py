"""Courses of fire: stages, targets from geometry, the shot timer, shooters, scoring."""
