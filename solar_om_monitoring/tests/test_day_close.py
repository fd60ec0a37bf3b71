# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The daily close: each site's day judged once the sun has set, through the
real health check's cron pass, on the series the simulator's physics makes
(served over HTTP on 127.0.0.1), into PostgreSQL; what the back office
(the agent) then sees on tickets and sites."""

import base64
import json
from datetime import date, datetime, time, timedelta, timezone

from odoo.exceptions import UserError
from odoo.tests import tagged

from solar_om_engine.geo import zone
from solar_om_engine.simulator.fleet import device_units

from .common import NOON, STEP, MonitoringCommon

BERLIN = zone("Europe/Berlin")
LOG = "odoo.addons.solar_om_monitoring.models.solar_day_close"


def after(day):
    """Half an hour after local midnight at the end of `day` (Munich): the
    day is over everywhere in the test fleet (Munich and Vienna)."""
    local = datetime.combine(day + timedelta(days=1), time(0, 30), tzinfo=BERLIN)
    return local.astimezone(timezone.utc)


def evening(day):
    """19:45 in Munich: the sun still above 10 degrees, the last check of the
    afternoon."""
    return datetime.combine(day, time(19, 45), tzinfo=BERLIN).astimezone(timezone.utc)


@tagged("post_install", "-at_install")
class TestDayClose(MonitoringCommon):
    def setUp(self):
        super().setUp()
        self.addCleanup(self.fleet.clear_cells.clear)

    # ------------------------------------------------------------ helpers
    def close(self, day, **kwargs):
        """The cron's pass just after `day` ended: night everywhere, so the
        check polls nothing, and the daily close judges `day`."""
        at = after(day)
        self.fleet.set_clock(at)
        kwargs.setdefault("accounts", self.se_account | self.en_account)
        return self.env["solar.health.check"].run(at=at, close_days=True, **kwargs)

    def day_row(self, site, day):
        return (
            self.env["solar.production.daily"]
            .with_user(self.agent)
            .search([("site_id", "=", site.id), ("day", "=", day)])
        )

    def site_ref(self, ref):
        return self.sites.filtered(lambda s: s.vendor_site_ref == ref)

    def onset(self, ref, kind, day):
        """A fault from the local midnight that starts `day`."""
        self.fleet.inject(ref, kind, datetime.combine(day, time(0), tzinfo=BERLIN))

    # ------------------------------------------------------------ tickets from days
    def test_short_two_days_running_opens_one_ticket_and_two_normal_days_close_it(self):
        # four normal days: the site's level is learned (a level not learned
        # yet counts a short day half)
        first = date(2026, 6, 12)
        for k in range(4):
            self.close(first + timedelta(days=k))
        normal = self.day_row(self.site, first + timedelta(days=3))
        self.assertEqual(normal.day_kind, "ok", normal.day_reason)
        self.assertAlmostEqual(normal.day_share, 1.0, delta=0.1)

        short1, short2, short3 = (first + timedelta(days=k) for k in (4, 5, 6))
        self.onset("SE0", "underperformance", short1)
        self.close(short1)
        day1 = self.day_row(self.site, short1)
        self.assertEqual(day1.day_kind, "underperformance", day1.day_reason)
        self.assertAlmostEqual(day1.day_share, 0.55, delta=0.08)
        self.assertFalse(self.tickets(self.site), "one short day is not a ticket yet")

        self.close(short2)
        ticket = self.tickets(self.site).with_user(self.agent)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.category_id.name, "Underperformance")
        self.assertEqual(ticket.solar_site_id, self.site)
        self.assertIn(short2.isoformat(), ticket.description)
        day2 = self.day_row(self.site, short2)
        # the chatter lists the days with their shares, as the day rows hold them
        table = ticket.message_ids.filtered(lambda m: "o_solar_days" in (m.body or ""))
        self.assertEqual(len(table), 1)
        for row in (normal, day1, day2):
            self.assertIn(row.day.isoformat(), table.body)
            self.assertIn(f"{row.day_share:.0%}", table.body)
            self.assertIn(f"{row.day_made_kwh:.1f}", table.body)
            self.assertIn(f"{row.day_due_kwh:.1f}", table.body)
        # the other sites stay clean
        self.assertEqual(self.tickets(), ticket.sudo())

        self.close(short3)
        self.assertEqual(len(self.tickets(self.site)), 1, "still the same one ticket")
        self.assertIn(short3.isoformat(), ticket.message_ids[0].body)
        # the day's note is signed as Odoo's own batch log signs one by the
        # user the close runs as (its author and sender are read once a run)
        day_note = ticket.message_ids[0]
        reference = (
            self.env["helpdesk.ticket"]
            .browse(ticket.id)
            ._message_log_batch({ticket.id: "reference"})
        )
        self.assertTrue(day_note.author_id)
        self.assertEqual(
            (day_note.author_id, day_note.email_from, day_note.reply_to, day_note.subtype_id),
            (reference.author_id, reference.email_from, reference.reply_to, reference.subtype_id),
        )

        fixed = short3 + timedelta(days=1)
        self.onset("SE0", None, fixed)
        self.close(fixed)
        self.assertFalse(ticket.closed, "one normal day is not yet a recovery")
        self.assertEqual(self.site.fault_ids.state, "recovering")
        self.close(fixed + timedelta(days=1))
        self.assertTrue(ticket.closed)
        self.assertEqual(self.site.fault_ids.state, "closed")
        notes = ticket.message_ids.filtered(lambda m: "consecutive days" in (m.body or ""))
        self.assertEqual(len(notes), 1, "closed once")
        self.assertIn("normal for 2 consecutive days", notes.body)

    def test_a_closed_day_is_not_closed_twice(self):
        day = date(2026, 6, 16)
        self.onset("SE0", "zero_production", day)
        stats = self.close(day)
        self.assertEqual(stats["days_closed"], 9)
        row = self.day_row(self.site, day)
        self.assertEqual(row.day_kind, "inverter_fault", row.day_reason)
        closed_at, ticket = row.day_closed_at, self.tickets(self.site)
        self.assertEqual(len(ticket), 1)
        messages = len(ticket.message_ids)
        # the next pass, and a replay of the same day: nothing closes again
        again = self.close(day)
        self.assertEqual(again.get("days_closed", 0), 0)
        self.assertEqual(again.get("day_series_calls", 0), 0)
        replay = self.env["solar.day.close"]._replay_days(
            [day], self.se_account | self.en_account, after(day) + timedelta(hours=2)
        )
        self.assertEqual(replay.get("days_closed", 0), 0)
        self.assertEqual(row.day_closed_at, closed_at)
        self.assertEqual(len(ticket.message_ids), messages)
        self.assertEqual(len(self.tickets()), 1)

    # ------------------------------------------------------------ devices
    def test_a_micro_dead_since_morning_is_named_on_the_ticket_the_close_opens(self):
        """Through the real daily close: each micro's energy read from the
        vendor at the close (the plan pays it), the day judged with them,
        the dead micro named on the ticket and marked on the site form."""
        vienna = self.site_ref("EN1")
        first = date(2026, 6, 19)
        self.close(first)  # the first close learns each micro's lifetime energy
        dead_day = first + timedelta(days=1)
        self.fleet.inject("EN1", "dead_device", datetime.combine(dead_day, time(6), BERLIN))
        self.close(dead_day)
        row = self.day_row(vienna, dead_day)
        self.assertEqual(row.day_kind, "string_mlpe_fault", row.day_reason)
        ticket = self.tickets(vienna).with_user(self.agent)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.category_id.name, "String/MLPE Fault")
        (dead,) = self.fleet.dead_units(self.fleet.sites["EN1"], after(dead_day))
        serial = device_units(self.fleet.sites["EN1"])[dead]
        self.assertIn("Devices down: Microinverter", ticket.description)
        self.assertIn(serial, ticket.description)
        site = vienna.with_user(self.agent)
        self.assertEqual(site.solar_devices_down_count, 1)
        self.assertEqual(site.solar_device_energy_ids.filtered("down").serial_number, serial)
        # the other Enphase sites' micros all worked: no ticket there
        for other in self.sites.filtered(lambda s: s.vendor == "enphase") - vienna:
            self.assertFalse(self.tickets(other), other.name)

    # ------------------------------------------------------------ series in hand
    def test_the_series_in_hand_costs_no_call_and_the_others_one_each(self):
        day = NOON.date()
        self.check(NOON)
        self.check(evening(day))
        row = self.day_row(self.site, day)
        self.assertEqual(row.sudo().series_json["step_minutes"], 15)
        self.assertEqual(len(row.sudo().series_json["power_w"]), 96)
        self.assertEqual(row.series_at, evening(day).replace(tzinfo=None))
        stats = self.close(day)
        # SolarEdge's /power calls of the checks carried the day: only the
        # three Enphase sites' production_micro was asked after sunset
        self.assertEqual(stats["day_series_calls"], 3)
        self.assertEqual(stats["days_closed"], 9)
        self.assertEqual(row.series_at, evening(day).replace(tzinfo=None))
        vienna = self.site_ref("EN0")
        enphase_day = self.day_row(vienna, day).sudo()
        self.assertEqual(enphase_day.series_json["step_minutes"], 5)
        self.assertTrue(enphase_day.day_kind, enphase_day.day_reason)
        # what the day made is what the series held, hour by hour
        made = sum(v for v in row.sudo().day_hourly["made"] if v)
        watts = [w for w in row.sudo().series_json["power_w"] if w]
        self.assertAlmostEqual(made / 1000, sum(watts) / 4 / 1000, delta=1.5)

    def test_one_bad_series_never_stops_the_others(self):
        day = NOON.date()
        self.check(evening(day))
        broken = self.site_ref("SE2")
        row = self.day_row(broken, day).sudo()
        series = row.series_json
        series["power_w"][50] = "a lot"
        row.write({"series_json": series})
        with self.assertLogs(LOG, "WARNING") as logged:
            stats = self.close(day)
        self.assertEqual(stats["days_closed"], 9)
        self.assertEqual(stats["days_unjudged"], 1)
        bad = self.day_row(broken, day)
        self.assertFalse(bad.day_kind)
        self.assertIn("power_w[50]", bad.day_reason)
        named = [line for line in logged.output if "power_w[50]" in line]
        self.assertTrue(named and str(broken.id) in named[0] and broken.name in named[0])
        for site in self.sites - broken:
            self.assertTrue(self.day_row(site, day).day_kind, site.name)

    # ------------------------------------------------------------ the roof
    def test_a_site_without_arrays_shows_its_inferred_roof_after_its_clear_days(self):
        unknown = self.site_ref("SE1")
        unknown.write({"roof_orientation": "unknown", "array_ids": [(5, 0, 0)]})
        # a high over Munich: clear days (the simulated roof: 30 degrees, south)
        self.fleet.clear_cells.add("Munich")
        first = date(2026, 6, 17)
        self.assertFalse(unknown.roof_inferred_text, "no clear day yet: no roof")
        self.close(first)
        site = unknown.with_user(self.agent)
        self.assertEqual(site.roof_clear_days, 1)
        self.assertEqual(site.roof_inferred_text, "30° facing 180°")
        self.close(first + timedelta(days=1))
        self.assertEqual(site.roof_clear_days, 2)
        self.assertEqual(site.roof_inferred_text, "30° facing 180°", "the fit stays")
        self.assertEqual(
            site.roof_inferred, [{"dc_kwp": site.capacity_dc_kwp, "tilt": 30.0, "azimuth": 180.0}]
        )
        # the third day is judged on the inferred roof against the neighbours
        self.close(first + timedelta(days=2))
        judged = self.day_row(unknown, first + timedelta(days=2))
        self.assertEqual(judged.day_kind, "ok")
        self.assertAlmostEqual(judged.day_share, 1.0, delta=0.1)
        # the installer confirms it: it becomes the site's arrays
        site.action_confirm_inferred_roof()
        self.assertEqual(site.roof_orientation, "arrays")
        self.assertEqual(
            [(a.dc_kwp, a.tilt, a.azimuth) for a in site.array_ids],
            [(site.capacity_dc_kwp, 30.0, 180.0)],
        )
        # entered arrays always win: nothing left to confirm
        with self.assertRaises(UserError):
            site.action_confirm_inferred_roof()

    # ------------------------------------------------------------ what the site shows
    def test_a_zero_production_site_stays_shown_while_its_fault_is_open(self):
        site = self.site.with_user(self.agent)
        markers = self.env["solar.sites.map"].with_user(self.agent)
        self.fleet.inject("SE0", "zero_production", NOON - STEP)
        self.check(NOON)
        self.assertEqual(site.health_state, "inverter_fault")
        self.fleet.inject("SE0", None)
        self.check(NOON + STEP)
        # the check saw it produce, but its fault and ticket are still open
        self.assertEqual(site.fault_ids.state, "recovering")
        self.assertEqual(site.health_state, "inverter_fault")
        self.assertEqual(site.health_color, 1)
        # ... and what the last check saw
        self.assertIn("Last check: reporting", site.health_reason)
        marker = next(
            m for m in markers.markers([("id", "=", site.id)])["sites"] if m["id"] == site.id
        )
        self.assertEqual(marker["state"], "inverter_fault")
        listed = (
            self.env["solar.site"]
            .with_user(self.agent)
            .search([("health_state", "=", "inverter_fault")])
        )
        self.assertIn(site, listed)
        # the second normal check closes the fault: the site shows what it is
        self.check(NOON + STEP * 2)
        self.assertEqual(site.fault_ids.state, "closed")
        self.assertEqual(site.health_state, "ok")

    def test_the_site_form_lists_the_judged_days_with_their_shares(self):
        first = date(2026, 6, 15)
        for k in range(3):
            self.close(first + timedelta(days=k))
        site = self.site.with_user(self.agent)
        days = site.day_verdict_ids.sorted("day")
        self.assertEqual([d.day for d in days], [first + timedelta(days=k) for k in range(3)])
        for day in days:
            self.assertEqual(day.day_kind, "ok", day.day_reason)
            self.assertAlmostEqual(day.day_made_kwh / day.day_due_kwh, day.day_share, places=2)
            self.assertTrue(base64.b64decode(day.day_chart).startswith(b"<svg"))
        arch = self.env["solar.site"].with_user(self.agent).get_views([(False, "form")])
        form = arch["views"]["form"]["arch"]
        self.assertIn("day_verdict_ids", form)
        self.assertIn("action_confirm_inferred_roof", form)
        self.assertTrue(json.dumps(site.read(["day_verdict_ids"])))
