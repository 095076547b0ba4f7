"""Camera sources, laser spot detection and projector-camera calibration.

Submodules are imported where used; nothing here does work at import time.
"""
