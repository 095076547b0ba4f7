"""Holdfire: the scenario side, in rooms by job (docs/architecture.md): scenario files,
the world, runs and their log, the debrief, views, the command line and benchmarks.

`range` is also a Python builtin: write `from range import x` or
`from range.world.engine import World`, never `import range`.
"""
