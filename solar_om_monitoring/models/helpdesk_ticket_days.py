# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The tickets the day judge opens, and the days in their chatter.

A day verdict (its evidence names its `day`) opens its ticket through the
same fault and ticket code as a check's; its description says what the day
made of what was due, and which devices were down where the vendor gives
device energies. While a monitoring ticket is open, each day the daily
close judges posts that day in its chatter (date, verdict, made, due,
share); a new ticket starts with the site's recent days."""

from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, models

from .solar_fault import FAULT_KINDS

# days a new day-judge ticket lists in its chatter (the persistence window
# and the good days before it)
DAYS_LISTED = 7


class SolarTicketDayNotes(models.AbstractModel):
    _name = "solar.ticket.day.notes"
    _description = "Solar Ticket: Day Verdicts"

    @api.model
    def _solar_fault_ticket_values(self, fault, verdict, reading, at, categories=None):
        values = super()._solar_fault_ticket_values(fault, verdict, reading, at, categories)
        ev = verdict.evidence
        if not ev.get("day"):
            return values
        # a day verdict: what the day made of what was due, not the last reading
        site = fault.site_id
        lines = [
            (self.env._("What the day judge saw"), verdict.reason),
            (self.env._("Day"), ev["day"]),
        ]
        share = _share(ev)
        if ev.get("due_wh"):
            lines.append(
                (
                    self.env._("Made of due"),
                    self.env._(
                        "%(made).1f of %(due).1f kWh (%(share)s)",
                        made=_made_wh(ev) / 1000,
                        due=ev["due_wh"] / 1000,
                        share=f"{share:.0%}" if share is not None else "-",
                    ),
                )
            )
        lines += [
            (self.env._("Capacity"), f"{site.capacity_dc_kwp:g} kWp"),
            (self.env._("Vendor"), f"{site.vendor or ''} site {site.vendor_site_ref or ''}"),
        ]
        values["description"] = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "The day judge found %(kind)s at %(site)s.",
                kind=dict(FAULT_KINDS)[fault.kind],
                site=site.name,
            ),
            Markup("").join(
                Markup("<li><strong>%s:</strong> %s</li>") % (label, value)
                for label, value in lines
            ),
        )
        return values

    @api.model
    def _solar_post_days(self, day, opened, ongoing, today, memo=None):
        """Post the closed `day` in the chatter of the open monitoring
        tickets: `opened` (new ones, with the site's last DAYS_LISTED closed
        days, one read for all of them) and `ongoing` (that day only, from
        `today`: site id -> the day row's values as written), both {ticket
        id: site id}; the notes in one batched insert. `memo` (the run's
        `HealthRun.memo`) keeps the notes' author and sender from one part
        to the next: each part's commit clears the cache they were read in."""
        if not opened and not ongoing:
            return
        by_site = defaultdict(list)
        if opened:
            rows = (
                self.env["solar.production.daily"]
                .sudo()
                .search_read(
                    [
                        ("site_id", "in", sorted(set(opened.values()))),
                        ("day_closed_at", "!=", False),
                        ("day", "<=", day),
                    ],
                    ["site_id", "day", "day_kind", "day_made_kwh", "day_due_kwh", "day_share"],
                    order="day desc",
                )
            )
            for row in rows:
                if len(by_site[row["site_id"][0]]) < DAYS_LISTED:
                    by_site[row["site_id"][0]].append(row)
        kinds = dict(self.env["solar.production.daily"]._fields["day_kind"].selection)
        bodies = {}
        for ticket_id, site_id in opened.items():
            days = sorted(by_site.get(site_id, []), key=lambda r: r["day"])
            if days:
                bodies[ticket_id] = Markup("<p>%s</p>%s") % (
                    self.env._("The site's last days, as the day judge closed them:"),
                    _days_table(self.env, days, kinds),
                )
        for ticket_id, site_id in ongoing.items():
            row = today.get(site_id)
            if ticket_id in bodies or not row or not row.get("kind"):
                continue
            line = {
                "day": row["day"],
                "day_kind": row["kind"],
                "day_made_kwh": row.get("made_kwh") or 0.0,
                "day_due_kwh": row.get("due_kwh") or 0.0,
                "day_share": row.get("share") or 0.0,
            }
            bodies[ticket_id] = Markup("<p>%s</p>%s") % (
                self.env._("The day judge closed %(day)s:", day=day),
                _days_table(self.env, [line], kinds),
            )
        if bodies:
            # one batched insert of notes (no notification), however many
            # tickets; their author and sender as Odoo's batch log computes
            # them (the current user's partner and its address), once a run
            tickets = self.sudo().browse(list(bodies))
            memo = {} if memo is None else memo
            if "day_note_author" not in memo:
                memo["day_note_author"] = tickets._message_compute_author()
            author_id, email_from = memo["day_note_author"]
            tickets._message_log_batch(bodies, author_id=author_id, email_from=email_from)


def _made_wh(evidence):
    """What the day made over the hours compared (the share times due)."""
    if evidence.get("ratio") is not None and evidence.get("due_wh"):
        return evidence["ratio"] * evidence["due_wh"]
    return evidence.get("made_wh") or 0.0


def _share(evidence):
    if evidence.get("ratio") is not None:
        return evidence["ratio"]
    if evidence.get("due_wh"):
        return (evidence.get("made_wh") or 0.0) / evidence["due_wh"]
    return None


def _days_table(env, days, kinds):
    head = Markup("").join(
        Markup("<th>%s</th>") % label
        for label in (
            env._("Date"),
            env._("Verdict"),
            env._("Made (kWh)"),
            env._("Due (kWh)"),
            env._("Share"),
        )
    )
    body = Markup("").join(
        Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
        % (
            row["day"].isoformat(),
            escape(kinds.get(row["day_kind"], row["day_kind"] or "")),
            f"{row['day_made_kwh']:.1f}",
            f"{row['day_due_kwh']:.1f}" if row["day_due_kwh"] else "-",
            f"{row['day_share']:.0%}" if row["day_due_kwh"] else "-",
        )
        for row in days
    )
    return Markup('<table class="table table-sm o_solar_days"><tr>%s</tr>%s</table>') % (
        head,
        body,
    )
