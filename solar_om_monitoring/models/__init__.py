from . import helpdesk_ticket_category
from . import solar_monitoring_account
from . import solar_fault
from . import solar_production_daily
from . import solar_site
from . import helpdesk_ticket
from . import solar_health_check
from . import fsm_order
