from . import solar_service_decision
from . import solar_finding
from . import solar_escalation
from . import solar_device_replace
