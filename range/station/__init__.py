"""The instructor station: the live console and the after-action review, served to a browser."""
