from . import solar_service_decision
