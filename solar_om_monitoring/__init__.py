from . import models
from . import report
from . import controllers
from . import wizards


def post_init_hook(env):
    """Sites made before this addon (solar_om's own, or its demo fleet) get
    their field-service location, so their tickets and orders link to it."""
    env["solar.site"].with_context(active_test=False).search(
        [("fsm_location_id", "=", False)]
    )._sync_fsm_location()
