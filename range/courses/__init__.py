"""Courses of fire: stages, targets drawn from their geometry, the shot timer, scripted shooters and scoring."""
