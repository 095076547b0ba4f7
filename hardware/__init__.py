"""Device I/O for Holdfire: replicas over serial, cameras, the laser-spot detector,
projector-camera calibration, device emulators and the fusion of triggers with spots.

This package never imports `range`; the scenario side talks to it through the event
types in `hardware.events`.
"""
