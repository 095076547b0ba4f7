"""The simulated world: projection, bodies, weapons, behaviour, actors, projectiles and
TASER judgement, stepped by `engine.World` at a fixed step, read through `snapshot`."""
