"""One exception hierarchy for device I/O. Messages name the place (device URL, file,
byte offset) and say what was expected and what was found."""


class HardwareError(Exception):
    """Base of every error raised by `hardware`."""


class DeviceUrlError(HardwareError, ValueError):
    """A device URL that no implementation accepts, or with bad parameters."""


class DeviceUnavailable(HardwareError):
    """A device that exists in principle but cannot be opened or read now."""


class MediaError(HardwareError):
    """A video or image that cannot be opened or decoded."""


class CalibrationError(HardwareError):
    """A calibration pattern that was not found, was cut off, or fitted badly."""


class EmulatorError(HardwareError):
    """An emulated device whose thread stopped with an error; raised in the caller's thread."""


class LinkError(HardwareError):
    """A replica link whose reader stopped on an error of its own."""
