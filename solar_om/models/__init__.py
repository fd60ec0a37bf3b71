# solar.contract.level before solar.site: the site's default contract level
# searches its table when an upgrade adds the column to existing sites.
from . import solar_contract_level
from . import solar_site
from . import solar_device
from . import res_partner
from . import project_project
from . import solar_site_array
