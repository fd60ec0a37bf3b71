from . import test_cases
from . import test_rma
