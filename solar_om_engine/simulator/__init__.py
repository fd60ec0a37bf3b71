from .fleet import FAULTS, Account, Fleet, SimSite, demo_fleet, make_fleet
from .server import Simulator
