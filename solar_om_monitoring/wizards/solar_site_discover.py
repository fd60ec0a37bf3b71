# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a discovery found on a monitoring account: the systems not monitored
yet (each with the customer suggested and why, which the back office
accepts, changes or asks to create), those already monitored and those the
vendor deactivated; "Create Sites" creates the chosen ones in one go."""

from odoo import api, fields, models


class SolarSiteDiscover(models.TransientModel):
    _name = "solar.site.discover"
    _description = "Discover Sites on a Monitoring Account"

    account_id = fields.Many2one("solar.monitoring.account", required=True, readonly=True)
    vendor = fields.Selection(related="account_id.vendor")
    summary = fields.Char(readonly=True)
    problems = fields.Text(readonly=True)
    new_system_ids = fields.Many2many(
        "solar.vendor.system",
        "solar_site_discover_new_rel",
        string="Not Monitored Yet",
    )
    known_system_ids = fields.Many2many(
        "solar.vendor.system",
        "solar_site_discover_known_rel",
        string="Already Monitored",
        readonly=True,
    )
    deactivated_system_ids = fields.Many2many(
        "solar.vendor.system",
        "solar_site_discover_off_rel",
        string="Deactivated by Vendor",
        readonly=True,
    )
    new_count = fields.Integer(compute="_compute_counts")
    known_count = fields.Integer(compute="_compute_counts")
    deactivated_count = fields.Integer(compute="_compute_counts")
    matched_count = fields.Integer(compute="_compute_counts")

    @api.depends("new_system_ids", "known_system_ids", "deactivated_system_ids")
    def _compute_counts(self):
        for wizard in self:
            wizard.new_count = len(wizard.new_system_ids)
            wizard.known_count = len(wizard.known_system_ids)
            wizard.deactivated_count = len(wizard.deactivated_system_ids)
            wizard.matched_count = len(wizard.new_system_ids.filtered("suggested_partner_id"))

    @api.model
    def action_open(self, account, summary):
        systems = self.env["solar.vendor.system"].search([("account_id", "=", account.id)])
        problems = summary.get("problems") or {}
        wizard = self.create(
            {
                "account_id": account.id,
                "summary": account.last_discovery_note,
                "problems": "\n".join(f"{ref}: {why}" for ref, why in sorted(problems.items()))
                or False,
                "new_system_ids": systems.filtered(lambda s: s.state in ("new", "queued")).ids,
                "known_system_ids": systems.filtered(lambda s: s.state == "known").ids,
                "deactivated_system_ids": systems.filtered(lambda s: s.state == "deactivated").ids,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Discovered on %s", account.name),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "context": {"dialog_size": "extra-large"},
        }

    def action_create_sites(self):
        """Create the sites of the systems whose customer is chosen (or to be
        created); tell what was done and open the new sites."""
        self.ensure_one()
        chosen = self.new_system_ids.filtered(lambda s: s.partner_id or s.create_partner)
        result = self.account_id._onboard_create(chosen)
        parts = [self.env._("%s sites created", result["created"])]
        if result["queued"]:
            parts.append(
                self.env._("%s wait for quota (the daily job creates them)", result["queued"])
            )
        if result["failed"]:
            parts.append(
                self.env._("%s could not be created (see Not Monitored Yet)", result["failed"])
            )
        if result["no_coordinates"]:
            parts.append(
                self.env._(
                    "%s have no coordinates yet: listed under No Coordinates, not judged",
                    result["no_coordinates"],
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id("solar_om.solar_site_action")
        action.update(
            domain=[("id", "in", result["sites"].ids)],
            name=self.env._("Sites created from %s", self.account_id.name),
            context={"create": False},
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Onboarding"),
                "message": "; ".join(parts) + ".",
                "type": "warning" if result["failed"] or result["no_coordinates"] else "success",
                "sticky": False,
                "next": action,
            },
        }
