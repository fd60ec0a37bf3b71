from . import helpdesk_ticket_category
from . import helpdesk_ticket_tag
from . import solar_site
from . import helpdesk_ticket
from . import solar_labour_programme
from . import solar_rma
from . import solar_platform_instruction
from . import res_config_settings
