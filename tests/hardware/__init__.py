"""Tests of device I/O: emulators, recorded and synthetic video."""
