from . import solar_service_decision
from . import solar_device_replace
