# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A blind account: its quota is spent, its credentials refused, its API
retired, or its vendor unreachable for longer than its plan's liveness
window. One incident for its O&M manager, its sites "not watched", all of it
undone by itself once a poll works again."""

from datetime import timezone

from odoo import fields, models

from solar_om_engine import planner


class SolarAccountBlind(models.AbstractModel):
    _name = "solar.account.blind"
    _description = "Monitoring Account: Blind Accounts"

    manager_id = fields.Many2one(
        "res.users",
        string="O&M Manager",
        tracking=True,
        help="Gets the incident ticket when this account's sites are not being watched.",
    )
    blind_reason = fields.Selection(
        [(b.value, words) for b, words in planner.BLINDNESS_WORDS.items()],
        string="Not Watched Because",
        readonly=True,
        copy=False,
    )
    blind_since = fields.Datetime(string="Not Watched Since", readonly=True, copy=False)
    last_liveness_at = fields.Datetime(
        string="Last Reporting Check",
        readonly=True,
        copy=False,
        help="When the health check last asked the vendor which sites still report.",
    )
    failing_since = fields.Datetime(
        readonly=True,
        copy=False,
        help="First of the polls in a row that could not reach the vendor.",
    )

    def _solar_reader_tz(self):
        """The clock the incident's words are written in: its O&M manager's,
        else the company's."""
        self.ensure_one()
        return self.manager_id.tz or self.company_id.partner_id.tz or "UTC"

    def _health_watch(self, run):
        """After a run: an account nothing could be read of (quota spent,
        credentials refused, API retired, vendor unreachable for longer than
        its plan's liveness window) is blind. It gets one incident ticket for
        its O&M manager and its sites show "not watched"; the incident closes
        by itself once a poll works again."""
        faults = self.env["solar.fault"].sudo()
        for account in self:
            ledger = account._ledger()
            ledger.clock = run.clock
            kind = run.account_errors.get(account.id)
            if kind is None:
                # not polled this run (night, nothing due): the check looked at
                # it all the same; only a spent month is news
                if ledger.month_remaining() > 0:
                    account._write_on_own_cursor({"last_check_at": run.naive_at})
                    continue
                kind = "quota_month"
            values = {}
            if kind in planner.PASSING_ERRORS:
                if not account.failing_since:
                    values["failing_since"] = run.naive_at
            elif account.failing_since:
                values["failing_since"] = False
            failing_since = values.get("failing_since", account.failing_since)
            since = failing_since and failing_since.replace(tzinfo=timezone.utc)
            plan = run.plans.get(account.id)
            blind = planner.blindness(kind, since or None, run.at, plan)
            if blind and account.blind_reason != blind.value:
                values.update(blind_reason=blind.value, blind_since=run.naive_at)
                if not account.blind_reason:
                    run.stats["accounts_blinded"] += 1
            elif not blind and kind == "" and account.blind_reason:
                values.update(blind_reason=False, blind_since=False)
                run.stats["accounts_watched_again"] += 1
            if values:
                account._write_on_own_cursor(values)
                if run.commit:
                    # a fresh snapshot: the incident's row refers to the account
                    # row just written on the other cursor
                    self.env["ir.cron"]._commit_progress(0)
            if account.blind_reason:
                faults._health_blind_incident(account, run)
                self.env["solar.site"]._health_mark_not_watched(account, run)
            elif "blind_reason" in values:
                faults._health_close_blind_incident(account, run)
