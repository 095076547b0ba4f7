"""Sprites, sounds and fonts shipped with Holdfire (package data). See LICENSES.md."""
