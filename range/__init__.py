"""Holdfire: the scenario side. Engine, weapons and ballistics, scenario files, sessions,
timing analysis, records, views and the command line.

`range` is also a Python builtin: write `from range import x` or
`from range.engine import World`, never `import range`.
"""
