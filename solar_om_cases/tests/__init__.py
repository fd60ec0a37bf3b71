from . import test_cases
from . import test_rma
from . import test_service_flow
from . import test_agent_tour
from . import test_settings
