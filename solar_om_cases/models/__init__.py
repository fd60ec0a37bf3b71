from . import helpdesk_ticket_category
from . import helpdesk_ticket_tag
from . import solar_site
from . import solar_labour_programme
from . import solar_rma
from . import solar_job_step

# helpdesk.ticket's concerns (abstract models), then the ticket that
# inherits them by name
from . import helpdesk_ticket_routing
from . import helpdesk_ticket_escalation
from . import helpdesk_ticket_job_steps
from . import helpdesk_ticket_finding
from . import helpdesk_ticket_followers
from . import helpdesk_ticket_appraisal
from . import helpdesk_ticket
from . import fsm_order
from . import fsm_activity
from . import crm_lead
from . import project_project
from . import solar_appraisal_rate
from . import solar_platform_instruction
from . import res_config_settings
