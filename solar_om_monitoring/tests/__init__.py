from . import test_health_check
from . import test_polling_plan
from . import test_account_security
from . import test_work_orders
from . import test_access
from . import test_technician_tour
from . import test_follow_up
