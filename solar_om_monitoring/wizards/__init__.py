from . import solar_device_replace
from . import solar_site_discover
