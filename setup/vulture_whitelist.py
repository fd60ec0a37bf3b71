"""Names vulture cannot see used, for setup/test.sh's unused-code check.

Odoo's own magic (fields, models, what XML calls) is generated at lint time
by setup/vulture_odoo_names.py; the patterns (`_compute_*`, `_inverse_*`,
`_onchange_*`, `_check_*`, `_search_*`) and decorators (`@http.route`,
`@pytest.fixture`) are vulture options in setup/test.sh. What remains is
listed here, each with why. This file is read by vulture, never imported.
"""

# ruff: noqa: F821, B018
# Odoo calls these by name: addon hooks, migrations, SQL views' init
_.post_init_hook
_.pre_init_hook
_.uninstall_hook
_.migrate
_.init
# a model whose rows are a query (Odoo reads its _table_query property)
_._table_query
# Odoo's HttpCase reads these class attributes of a tour test
_.browser_size
_.touch_enabled
# mail.thread's create() calls this on a new record (helpdesk_mgmt's ticket
# defines it, solar_om_monitoring overrides it)
_._creation_subtype
# Odoo's BaseCommon calls this class method for its tests' context
_.default_env_context
# pytest reads these module attributes
_.pytestmark
# tests: an OCA field set on the company; a user made for its login
_.helpdesk_mgmt_ticket_auto_assign
_.portal_user
# http.server calls these on the simulator's and the conformance replay's
# request handler and server
_.do_GET
_.do_POST
_.log_message
_.protocol_version
_.wbufsize
_.disable_nagle_algorithm
_.daemon_threads
# engine enum members that name states and causes (values shown in Odoo
# selections and evidence), not code paths
_.NOT_WATCHED
_.NO_NEIGHBOURS
_.STORM
# records of where a vendor's data comes from (clients/costs.py): data, read
# by people, printed by the CLI's JSON
_.liveness_has_time
_.device_source
_.day_series_call
_.list_call
# dataclass fields carried in JSON output and evidence (asdict)
_.per_minute_limit
_.reported_any
_.clear_ghi
# the inverse of SiteHistory.to_json, kept so a stored history can be read back
_.from_json
