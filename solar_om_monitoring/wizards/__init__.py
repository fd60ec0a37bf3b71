from . import solar_device_replace
