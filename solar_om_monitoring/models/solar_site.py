# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The monitoring side of a site: its account, service location, team and
links to its faults, tickets, production and work orders, and every
override of the site in this addon.

Each larger concern is an abstract model in its own file, inherited here by
name: its health (solar_site_health.py), the health check's reads and writes
(solar_site_polling.py), what the fleet views show (solar_site_shown.py),
its judged days (solar_site_day.py), the homeowner's portal
(solar_site_portal.py), its calibration (solar_site_calibration.py),
onboarding (solar_site_onboarding.py) and devices (solar_site_devices.py).
They add fields and methods of their own; none overrides another's."""

from odoo import api, fields, models
from odoo.tools import SQL, clean_context

from solar_om_engine.kinds import UNRANKED, URGENCY

from .bulk_insert import in_one_statement, insert_rows
from .solar_site_onboarding import IMPORT_TEMPLATE

LOCATION_FIELDS = {
    "name",
    "partner_id",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "latitude",
    "longitude",
    "fsm_team_id",
    "territory_id",
}


class SolarSite(models.Model):
    _name = "solar.site"
    _inherit = [
        "solar.site",
        "solar.site.health",
        "solar.site.polling",
        "solar.site.shown",
        "solar.site.days",
        "solar.site.portal",
        "solar.site.calibration",
        "solar.site.onboarding",
        "solar.site.devices",
    ]

    account_id = fields.Many2one(
        "solar.monitoring.account",
        string="Monitoring Account",
        index=True,
        check_company=True,
        tracking=True,
    )
    fsm_location_id = fields.Many2one(
        "fsm.location", string="Service Location", readonly=True, copy=False, index=True
    )
    # who serves the site: field-service concepts (OCA), mirrored on its location
    fsm_team_id = fields.Many2one(
        "fsm.team",
        string="Field Service Team",
        tracking=True,
        help="Work orders for this site go to this team.",
    )
    territory_id = fields.Many2one(
        "res.territory",
        tracking=True,
        help="Work orders for this site go to the territory's primary field worker "
        "unless the service location names its own workers.",
    )
    connection = fields.Selection(
        [("ethernet", "Ethernet"), ("wifi", "Wi-Fi"), ("cellular", "Cellular")],
        help="How the gateway reaches the vendor's cloud: cellular ones report "
        "every 6 hours, so they are called silent much later.",
    )
    meter_expected = fields.Boolean(
        string="Has Production Meter", help="Silence from the meter is then a Meter Fault."
    )
    production_count = fields.Integer(compute="_compute_monitoring_counts")
    solar_energy_rate = fields.Monetary(
        string="Energy Rate (per kWh)",
        help="What a kWh of this site is worth to the customer: their tariff, or the PPA "
        "price. Values the energy a fault loses.",
    )
    fault_ids = fields.One2many("solar.fault", "site_id")
    open_fault_count = fields.Integer(compute="_compute_monitoring_counts")
    production_ids = fields.One2many("solar.production.daily", "site_id")
    ticket_ids = fields.One2many("helpdesk.ticket", "solar_site_id")
    fsm_order_ids = fields.One2many("fsm.order", "solar_site_id", string="Work Orders")
    ticket_count = fields.Integer(compute="_compute_monitoring_counts")

    def _compute_monitoring_counts(self):
        faults = dict(
            self.env["solar.fault"]._read_group(
                [("site_id", "in", self.ids), ("state", "!=", "closed")], ["site_id"], ["__count"]
            )
        )
        tickets = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("solar_site_id", "in", self.ids), ("closed", "=", False)],
                ["solar_site_id"],
                ["__count"],
            )
        )
        days = dict(
            self.env["solar.production.daily"]._read_group(
                [("site_id", "in", self.ids)], ["site_id"], ["__count"]
            )
        )
        for site in self:
            site.open_fault_count = faults.get(site, 0)
            site.ticket_count = tickets.get(site, 0)
            site.production_count = days.get(site, 0)

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("solar_site_id", "=", self.id)]
        action["context"] = {
            "default_solar_site_id": self.id,
            "default_partner_id": self.partner_id.id,
            "search_default_open": 1,
        }
        return action

    def action_view_production(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "solar_om_monitoring.solar_production_daily_action"
        )
        action["domain"] = [("site_id", "=", self.id)]
        action["context"] = {"search_default_last_30_days": 1}
        return action

    def action_view_faults(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "solar_om_monitoring.solar_fault_action"
        )
        action["domain"] = [("site_id", "=", self.id)]
        return action

    # ------------------------------------------------------------ field service
    def _fsm_location_values(self):
        self.ensure_one()
        return {
            "name": self.name,
            "owner_id": self.partner_id.id,
            "street": self.street,
            "street2": self.street2,
            "zip": self.zip,
            "city": self.city,
            "state_id": self.state_id.id,
            "country_id": self.country_id.id,
            "partner_latitude": self.latitude,
            "partner_longitude": self.longitude,
            "team_id": self.fsm_team_id.id,
            "territory_id": self.territory_id.id,
            "company_id": self.company_id.id,
        }

    def _fsm_assignee(self):
        """The field worker an order for this site goes to: the location's
        first worker, else its territory's primary assignment."""
        self.ensure_one()
        location = self.fsm_location_id
        return location.person_ids[:1].person_id or location.territory_id.person_id

    def _sync_fsm_location(self):
        """Each site has its field-service location (OCA `fsm.location`),
        created here and kept in step with the site's customer and address.
        Its contact is a new child of the customer's, never the customer's
        own contact (which fieldservice would rename after the site)."""
        missing = self.filtered(lambda s: not s.fsm_location_id)
        if missing:
            locations = self._solar_create_fsm_locations(
                [site._fsm_location_values() for site in missing]
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_site s SET fsm_location_id = v.location"
                    " FROM (VALUES %s) AS v(site, location) WHERE s.id = v.site",
                    SQL(", ").join(
                        SQL("(%s, %s)", site.id, location.id)
                        for site, location in zip(missing, locations, strict=True)
                    ),
                )
            )
            missing.invalidate_recordset(["fsm_location_id"])
        for site in self - missing:
            site.fsm_location_id.sudo().write(site._fsm_location_values())

    @api.model
    def _solar_create_fsm_locations(self, values):
        """The service locations of `values` (`_fsm_location_values` each),
        in batches: new sites', or onboarding's before its sites exist."""
        Location = self.env["fsm.location"].sudo()
        if values:
            # the locations' contacts made first, in one batch, as children
            # of the customer (fieldservice would otherwise re-parent each
            # new location's contact one by one, several queries a site)
            own = {name for name in values[0] if not Location._fields[name].inherited}
            # (`creating_fsm_location`: fieldservice makes no location of its
            # own for such a contact; the batch below does)
            # (their create() as it is, its INSERT in one statement, not one
            # per 100 rows: `in_one_statement`)
            Contact = self.env["res.partner"].sudo().with_context(creating_fsm_location=True)
            contacts = in_one_statement(Contact).create(
                [
                    {
                        **{k: v for k, v in vals.items() if k not in own},
                        "parent_id": vals["owner_id"] or False,
                        "type": "fsm_location",
                        "fsm_location": True,
                    }
                    for vals in values
                ]
            )
            # the default stage once, not once per location
            stage = Location._default_stage_id()
            # no "created" note or stage tracking per location: the site's
            # own chatter tells its story
            Location = in_one_statement(Location.with_context(tracking_disable=True))
            return Location.create(
                [
                    {**{k: v for k, v in vals.items() if k in own}, "partner_id": contact.id}
                    | {"stage_id": stage.id}
                    for vals, contact in zip(values, contacts, strict=True)
                ]
            )
        return Location

    def _message_create(self, values_list):
        """With `solar_set_based_notes` (onboarding's creation notes, one a
        site): the log notes Odoo's `_message_log_batch` prepared, inserted
        in one statement per batch instead of one per 100. Only plain notes:
        anything with recipients, attachments, tracking or a value
        mail.message's create() would fill goes through it."""
        ready = ("email_from", "message_id", "reply_to", "body")
        relational = ("partner_ids", "attachment_ids", "tracking_value_ids")
        if not self.env.context.get("solar_set_based_notes") or any(
            any(values.get(key) for key in relational)
            or any(key not in values for key in ready)
            or "data:image" in str(values["body"])
            for values in values_list
        ):
            return super()._message_create(values_list)
        ignored = self._get_message_create_ignore_field_names()
        values_list = [
            {k: v for k, v in values.items() if k not in ignored and k not in relational}
            for values in values_list
        ]
        self._raise_for_invalid_parameters(
            {key for values in values_list for key in values},
            restricting_names=self._get_message_create_valid_field_names(),
        )
        messages = insert_rows(
            self.env["mail.message"].sudo().with_context(clean_context(self.env.context)),
            values_list,
        )
        # what mail.message's create() does for a note on a document
        self.browse(
            {v["res_id"] for v in values_list if v.get("model") == self._name}
        ).invalidate_recordset(["message_ids", "message_needaction", "message_needaction_counter"])
        return messages

    @api.model_create_multi
    def create(self, vals_list):
        sites = super().create(vals_list)
        sites._sync_fsm_location()
        return sites

    def write(self, vals):
        result = super().write(vals)
        if LOCATION_FIELDS & set(vals) and not self.env.context.get("solar_no_sync"):
            self.filtered("fsm_location_id")._sync_fsm_location()
        return result

    def _field_to_sql(self, alias, field_expr, query=None):
        # the urgency is a CASE over the stored health: sortable and
        # groupable in SQL, so "problems first" costs no query per site
        if field_expr == "health_rank":
            health = super()._field_to_sql(alias, "health_state", query)
            cases = SQL(" ").join(
                SQL("WHEN %s THEN %s", state, rank) for state, rank in URGENCY.items()
            )
            return SQL("(CASE %s %s ELSE %s END)", health, cases, UNRANKED)
        return super()._field_to_sql(alias, field_expr, query)

    # ------------------------------------------------------------ spreadsheet import
    @api.model
    def get_import_templates(self):
        return [{"label": self.env._("Import Template for Sites"), "template": IMPORT_TEMPLATE}]

    @api.model
    def load(self, fields, data):  # pylint: disable=redefined-outer-name
        """Odoo's import, one site (its rows: a site and its arrays) at a
        time: a bad row is refused with its row and column named, the other
        sites are imported all the same."""
        if not self.env.context.get("import_file") or len(data) < 2:
            return super().load(fields, data)
        starts = self._import_record_starts(fields, data)
        ids, messages, names = [], [], []
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(data)
            result = super().load(fields, data[start:end])
            for message in result.get("messages", []):
                message = dict(message)
                rows = dict(message.get("rows") or {})
                if rows:
                    message["rows"] = {k: v + start for k, v in rows.items()}
                if "record" in message:
                    message["record"] = message["record"] + start
                messages.append(message)
            ids += result.get("ids") or []
            names += result.get("name") or []
        return {"ids": ids or False, "messages": messages, "nextrow": 0}
