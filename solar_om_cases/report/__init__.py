from . import solar_service_report
