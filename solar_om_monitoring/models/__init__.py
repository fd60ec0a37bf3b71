from . import base
from . import helpdesk_ticket_category

# A model extended by concerns in files of their own: the concerns (abstract
# models) first, then the model, which inherits them by name.
from . import solar_monitoring_account_polling
from . import solar_monitoring_account_blind
from . import solar_monitoring_account_discovery
from . import solar_monitoring_account
from . import solar_vendor_system
from . import solar_fault_incident
from . import solar_fault
from . import solar_production_daily_day
from . import solar_production_daily
from . import solar_device
from . import solar_device_energy
from . import solar_site_health
from . import solar_site_polling
from . import solar_site_shown
from . import solar_site_day
from . import solar_site_portal
from . import solar_site_calibration
from . import solar_site_onboarding
from . import solar_site_devices
from . import solar_site
from . import solar_sites_map
from . import solar_health_check_liveness
from . import solar_health_check_batch
from . import solar_health_check
from . import solar_day_close
from . import fsm_order
from . import solar_brand_checklist
from . import base_geocoder
from . import res_company
from . import res_config_settings
from . import helpdesk_sla

# helpdesk.ticket's concerns, then the ticket: its `_inherit` list is the
# order in which they call each other through super()
from . import helpdesk_ticket_monitoring
from . import helpdesk_ticket_customer
from . import helpdesk_ticket_days
from . import helpdesk_ticket_recovery
from . import helpdesk_ticket_work_order
from . import helpdesk_ticket_devices
from . import helpdesk_ticket_sla_clock
from . import helpdesk_ticket_priority
from . import helpdesk_ticket
from . import solar_ticket_sla_line
from . import mail_activity_plan
from . import res_users
from . import mail_activity
