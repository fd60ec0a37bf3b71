from .base import (
    AuthError,
    GoneError,
    PayloadError,
    PollResult,
    SiteRef,
    TransientError,
    VendorError,
)
from .apsystems import APsystemsClient
from .enphase import EnphaseClient
from .solaredge import SolarEdgeClient

CLIENTS = {
    "solaredge": SolarEdgeClient,
    "enphase": EnphaseClient,
    "apsystems": APsystemsClient,
}
