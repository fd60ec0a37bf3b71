# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The crew's or the agent's finding: not caused by us goes to sales as an
opportunity; a roof leak caused by our work gets a workmanship repair
(the engine's solar_om_engine.jobs.finding_effect decides)."""

from markupsafe import Markup

from odoo import fields, models

from solar_om_engine import jobs

FINDINGS = [("ours", "Caused by Our Work"), ("not_ours", "Not Caused by Us")]


class SolarTicketFinding(models.AbstractModel):
    _name = "solar.ticket.finding"
    _description = "Solar Case: Findings"

    solar_finding = fields.Selection(FINDINGS, string="Finding", tracking=True, readonly=True)
    solar_finding_note = fields.Html(string="Finding Details", readonly=True)

    def _solar_record_finding(self, finding, note):
        """The crew's or the agent's finding: not caused by us goes to sales
        for a proposal; a roof leak from our work gets a workmanship repair."""
        self.ensure_one()
        effect = jobs.finding_effect(finding, roof_leak=self.solar_process == "roof_leak")
        self.sudo().write({"solar_finding": finding, "solar_finding_note": note})
        label = dict(self._fields["solar_finding"]._description_selection(self.env))[finding]
        self._solar_milestone(
            Markup("<p>%s</p>%s")
            % (self.env._("Finding recorded: %(finding)s.", finding=label), note or "")
        )
        if effect == "sales":
            return self._solar_send_to_sales(note)
        if effect == "workmanship_repair":
            return self._solar_workmanship_order(note)
        return None

    def _solar_send_to_sales(self, note):
        site = self.solar_site_id
        lead = (
            self.env["crm.lead"]
            .sudo()
            .create(
                {
                    "name": self.env._("Proposal: %(case)s", case=self.name),
                    "type": "opportunity",
                    "ticket_id": self.id,
                    "solar_site_id": site.id,
                    "partner_id": self.partner_id.id,
                    "user_id": site.sales_user_id.id or False,
                    "company_id": self.company_id.id,
                    "description": Markup("<p>%s</p>%s%s")
                    % (
                        self.env._(
                            "Not caused by our work, found on %(case)s at %(site)s: "
                            "propose the repair to the homeowner.",
                            case=self.display_name,
                            site=site.display_name or "",
                        ),
                        note or "",
                        self.description or "",
                    ),
                }
            )
        )
        self.message_post(
            body=Markup("%s") % self.env._("Sent to sales: %(lead)s", lead=lead._get_html_link()),
            subtype_xmlid="mail.mt_note",
        )
        return lead

    def _solar_workmanship_order(self, note):
        values = self._solar_order_values()
        values.update(
            {
                "template_id": False,
                "solar_workmanship": True,
                "solar_labour_billable": False,
                "description": Markup("<p><strong>%s</strong></p>%s")
                % (self.env._("Workmanship warranty repair: labour not billable."), note or ""),
            }
        )
        order = self.env["fsm.order"].sudo().create(values)
        self.message_post(
            body=self.env._(
                "Workmanship repair %(order)s sent to the installation crew.", order=order.name
            ),
            subtype_xmlid="mail.mt_note",
        )
        return order

    def action_solar_record_finding(self):
        self.ensure_one()
        return self.env["solar.finding"].action_open({"default_ticket_id": self.id})
