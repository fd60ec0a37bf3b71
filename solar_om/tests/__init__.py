from . import test_solar_site
from . import test_solar_device
from . import test_security
from . import test_migration
