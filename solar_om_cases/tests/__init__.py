from . import test_cases
from . import test_rma
from . import test_service_flow
from . import test_agent_tour
from . import test_service_jobs
from . import test_service_job_tours
from . import test_spanish
from . import test_settings
