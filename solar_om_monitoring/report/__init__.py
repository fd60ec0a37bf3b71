from . import solar_sql_view
from . import solar_production_series
from . import solar_fleet_report
from . import solar_fleet_overview
from . import solar_lost_energy_report
from . import solar_sla_report
