from . import solar_site
from . import solar_device
from . import res_partner
from . import project_project
from . import solar_site_array
from . import solar_contract_level
