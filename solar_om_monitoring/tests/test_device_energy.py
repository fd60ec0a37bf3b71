# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A site's devices against each other (issue 26, item 2): each micro's
energy of the day read from the simulator over HTTP at the day's close,
stored per device in the site's fixed order, judged by the engine's day
rules, and the dead micro shown to the back office on the site form and on
the ticket."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo.tests import Form, tagged

from solar_om_engine.classify import CHECK_RULES
from solar_om_engine.kinds import FaultKind
from solar_om_engine.readings import Array
from solar_om_engine.replay import close_day
from solar_om_engine.series import DaySeries, SiteSpec
from solar_om_engine.simulator.fleet import device_units

from ..models.health_run import Evidence, HealthRun
from .common import MonitoringCommon

DAY = date(2026, 6, 21)
VIENNA_CLOSE = time(21, 30)  # after sunset in Vienna, local


@tagged("post_install", "-at_install")
class TestDeviceEnergy(MonitoringCommon):
    def setUp(self):
        super().setUp()
        self.enphase = self.sites.filtered(lambda s: s.vendor == "enphase").sorted(
            "vendor_site_ref"
        )
        self.site = self.enphase.filtered(lambda s: s.vendor_site_ref == "EN1")
        self.sim_site = self.fleet.sites["EN1"]
        self.addCleanup(setattr, self.fleet, "lifetime_epoch", None)
        self.fleet.lifetime_epoch = None

    # ------------------------------------------------------------ helpers
    def close_at(self, day):
        return datetime.combine(day, VIENNA_CLOSE, self.site_tz())

    def site_tz(self):
        return ZoneInfo(self.site.tz)

    def close(self, day):
        """The day's close as the daily close runs it: the simulator's
        clock at the evening, each device's energy read over HTTP."""
        at = self.close_at(day)
        self.fleet.set_clock(at)
        return self.enphase._solar_fetch_device_energies(day, at)

    def judge(self, day):
        """The engine's own day close over the stored device energies and
        the simulator's day series (what the daily close hands it)."""
        energies = self.enphase._solar_device_day_energies(day)
        specs, series = {}, {}
        start = datetime.combine(day, time(0), self.site_tz())
        for site in self.enphase:
            sim = self.fleet.sites[site.vendor_site_ref]
            key = str(site.id)
            specs[key] = SiteSpec(
                key,
                str(site.account_id.id),
                "enphase",
                site.latitude,
                site.longitude,
                site.tz,
                site.capacity_dc_kwp * 1000,
                tuple(Array(a.dc_kwp, a.tilt, a.azimuth) for a in site.array_ids),
                devices_total=len(device_units(sim)),
            )
            slots = self.sim.slots(sim, start, start + timedelta(days=1))
            energy = energies.get(site.id)
            series[key] = DaySeries(
                key,
                day,
                15,
                tuple(w for _, w in slots),
                tuple(energy) if energy else None,
            )
        return close_day(specs, series, {}, [])

    def open_tickets(self, verdicts, at):
        """The verdicts acted on through the monitoring's own fault and
        ticket path (solar.fault._health_open_for_sites)."""
        run = HealthRun(
            at=at,
            rules=CHECK_RULES,
            plans={},
            recovery_checks=2,
            batch_size=100,
            commit=False,
        )
        batch = [{"id": s.id, "company_id": s.company_id.id} for s in self.enphase]
        self.env["solar.fault"]._health_open_for_sites(verdicts, batch, Evidence({}, {}, {}), run)

    def dead_micro(self):
        (index,) = self.fleet.dead_units(self.sim_site, self.close_at(DAY))
        return device_units(self.sim_site)[index]

    # ------------------------------------------------------------ tests
    def test_a_dead_micro_shows_on_the_site_form_and_on_the_ticket(self):
        # the micro dies early on the 21st; the 20th closed normally
        self.fleet.inject("EN1", "dead_device", self.close_at(DAY).replace(hour=6))
        self.assertEqual(self.close(DAY - timedelta(days=1)), {})
        first = self.enphase._solar_device_day_energies(DAY - timedelta(days=1))
        # the first close only learns each micro's lifetime: nothing compared
        self.assertEqual(first, {})
        self.assertEqual(self.close(DAY), {})
        energies = self.enphase._solar_device_day_energies(DAY)[self.site.id]
        ordered = self.enphase._solar_devices_in_order()[self.site.id]
        # the close recorded the micros Enphase reported, in serial order
        self.assertEqual(ordered.mapped("serial_number"), sorted(device_units(self.sim_site)))
        self.assertEqual(len(energies), 20)
        dead = ordered.mapped("serial_number").index(self.dead_micro())
        alive = [e for i, e in enumerate(energies) if i != dead]
        self.assertLess(energies[dead], 0.05 * min(alive))
        # the micros add up to what the site itself reported for the day
        made = self.fleet.energy_today(self.sim_site, self.close_at(DAY))
        self.assertAlmostEqual(sum(energies), made, delta=0.01 * made)

        closed = self.judge(DAY)
        verdict = closed.verdicts[str(self.site.id)]
        self.assertEqual(verdict.kind, FaultKind.STRING_MLPE_FAULT, verdict)
        self.assertEqual(verdict.evidence["devices_down"], [dead])
        for other in self.enphase - self.site:
            self.assertNotEqual(closed.verdicts[str(other.id)].kind, FaultKind.STRING_MLPE_FAULT)
        self.enphase._solar_record_device_verdicts(
            DAY, closed.verdicts, {s.id: [1 / 20] * 20 for s in self.enphase}
        )
        self.open_tickets(closed.actions.to_open, self.close_at(DAY))

        # the back-office agent opens the site form: the Devices tab
        form = Form(self.site.with_user(self.agent))
        self.assertEqual(form.solar_device_day, DAY.isoformat())
        self.assertEqual(form.solar_devices_down_count, 1)
        rows = form.solar_device_energy_ids
        self.assertEqual(len(rows), 20)
        down = list(rows)  # read as the agent
        marked = [r for r in down if r.down]
        self.assertEqual([r.serial_number for r in marked], [self.dead_micro()])
        self.assertLess(marked[0].share, 0.005)
        healthy = next(r for r in down if not r.down)
        self.assertAlmostEqual(healthy.share, 1 / 19, delta=0.01)
        self.assertAlmostEqual(healthy.usual_share, 1 / 20)
        self.assertEqual(healthy.state, "measured")

        # ... and the ticket the day's verdict opened names that micro
        ticket = self.tickets(self.site).with_user(self.agent)
        self.assertEqual(len(ticket), 1)
        self.assertIn("Devices down: Microinverter IQ7PLUS", ticket.description)
        self.assertIn(self.dead_micro(), ticket.description)
        # the same figure on both screens
        row = self.site.solar_device_energy_ids.filtered("down")
        self.assertIn(f"({row.energy_wh / 1000:.2f} kWh)", ticket.description)
        self.assertNotIn(ordered[(dead + 1) % 20].serial_number, ticket.description)

    def test_the_day_energies_take_one_query_and_a_bad_site_stops_no_other(self):
        self.close(DAY - timedelta(days=1))
        # one answer of a wrong type: the first site asked is refused by name
        self.sim.api_faults[("enphase", "*")] = ["wrong_types", 1]
        errors = self.close(DAY)
        self.assertEqual(len(errors), 1)
        ((site_id, message),) = errors.items()
        site = self.env["solar.site"].browse(site_id)
        self.assertIn(f"site {site.vendor_site_ref}", message)
        self.assertIn("micro_inverters[0].energy", message)
        account = self.en_account.sudo()
        for secret in (account.api_key, account.access_token, account.client_secret):
            self.assertNotIn(secret, message)
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            energies = self.enphase._solar_device_day_energies(DAY)
        self.assertEqual(set(energies), set((self.enphase - site).ids))
        self.assertTrue(all(e is not None and e > 0 for es in energies.values() for e in es))

    def test_a_replaced_micro_keeps_its_history_and_the_new_one_takes_its_place(self):
        self.close(DAY - timedelta(days=1))
        self.close(DAY)
        ordered = self.enphase._solar_devices_in_order()[self.site.id]
        old = ordered[3]
        # the technician swaps the micro; the agent records it with the wizard
        self.sim_site.swaps[old.serial_number] = "999999999999"
        self.addCleanup(self.sim_site.swaps.clear)
        wizard = Form(
            self.env["solar.device.replace"]
            .with_user(self.agent)
            .with_context(default_device_id=old.id)
        )
        wizard.serial_number = "999999999999"  # would sort last by its own serial
        new = self.env["solar.device"].browse(wizard.save().action_replace()["res_id"])
        self.assertEqual(old.state, "replaced")
        # the vendor names the new micro at the next close: it takes the old one's place
        self.assertEqual(self.close(DAY + timedelta(days=1)), {})
        after = self.enphase._solar_devices_in_order()[self.site.id]
        self.assertEqual(after[3], new)
        self.assertEqual(after - new, ordered - old)
        # its first day has no lifetime to start from: that day is not compared
        self.assertNotIn(
            self.site.id, self.enphase._solar_device_day_energies(DAY + timedelta(days=1))
        )
        self.close(DAY + timedelta(days=2))
        energies = self.enphase._solar_device_day_energies(DAY + timedelta(days=2))[self.site.id]
        self.assertEqual(len(energies), 20)
        self.assertGreater(energies[3], 0.5 * max(energies))
        # the replaced micro keeps its days; the new one has its own
        self.assertEqual(old.solar_energy_ids.mapped("day"), [DAY, DAY - timedelta(days=1)])
        self.assertEqual(len(new.solar_energy_ids), 2)

    def test_a_micro_swapped_unrecorded_is_a_replacement_not_a_dead_micro(self):
        """The technician swaps a micro and nobody records it: the next
        close sees Enphase name a new serial in the old one's stead (as
        onboarding's device list would) and records the replacement, so the
        old micro is not read as silent beside its successor."""
        self.close(DAY - timedelta(days=1))
        self.close(DAY)
        ordered = self.enphase._solar_devices_in_order()[self.site.id]
        old = ordered[3]
        self.sim_site.swaps[old.serial_number] = "999999999999"
        self.addCleanup(self.sim_site.swaps.clear)
        self.assertEqual(self.close(DAY + timedelta(days=1)), {})
        self.assertEqual(old.state, "replaced")
        new = old.replaced_by_id
        self.assertEqual(new.serial_number, "999999999999")
        after = self.enphase._solar_devices_in_order()[self.site.id]
        self.assertEqual((len(after), after[3]), (20, new))
        self.close(DAY + timedelta(days=2))
        energies = self.enphase._solar_device_day_energies(DAY + timedelta(days=2))[self.site.id]
        self.assertEqual(len(energies), 20)
        self.assertTrue(all(e is not None and e > 0.5 * max(energies) for e in energies))
        # the agent reads why on the site's chatter and the Devices tab
        site = self.site.with_user(self.agent)
        self.assertIn(
            f"{old.serial_number} replaced by 999999999999",
            "".join(site.message_ids.mapped("body")),
        )
        rows = Form(site).solar_device_energy_ids
        self.assertEqual(len(rows), 20)
        self.assertNotIn(old.serial_number, [r.serial_number for r in rows])
        self.assertFalse([r for r in rows if r.down or r.state != "measured"])

    def test_devices_the_vendor_never_named_are_not_compared(self):
        """A micro entered with a serial Enphase does not know (a typo) gets
        no row and is never called down; the ones Enphase names are added."""
        typo = self.env["solar.device"].create(
            {
                "site_id": self.site.id,
                "device_type": "microinverter",
                "brand": "Enphase",
                "serial_number": "000000000001",
            }
        )
        self.close(DAY - timedelta(days=1))
        self.close(DAY)
        ordered = self.enphase._solar_devices_in_order()[self.site.id]
        self.assertNotIn(typo, ordered)
        self.assertEqual(len(ordered), 20)
        self.assertFalse(typo.solar_energy_ids)
        energies = self.enphase._solar_device_day_energies(DAY)[self.site.id]
        self.assertTrue(all(e > 0 for e in energies))

    def test_a_close_costs_no_query_per_site_or_device(self):
        """The close's queries do not grow with its sites (20 micros each)."""
        self.close(DAY - timedelta(days=1))

        def queries(sites, day):
            at = self.close_at(day)
            self.fleet.set_clock(at)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.assertEqual(sites._solar_fetch_device_energies(day, at), {})
            return self.env.cr.sql_log_count - before

        one = queries(self.site, DAY)
        three = queries(self.enphase, DAY + timedelta(days=1))
        self.assertLessEqual(three, one + 2, (one, three))

    def test_the_plan_budgets_the_device_pass_once_a_site_a_day(self):
        plans = (self.en_account | self.se_account)._health_plans(self.close_at(DAY))
        enphase, solaredge = plans[self.en_account.id], plans[self.se_account.id]
        self.assertTrue(enphase.devices_daily)
        self.assertEqual((enphase.device_sites, enphase.device_calls_per_day), (3, 3))
        # SolarEdge sites with one inverter (none on record) have nothing to compare
        self.assertEqual((solaredge.device_sites, solaredge.device_calls_per_day), (0, 0))
        self.assertIn("once a day at the day's close", self.en_account.plan_production)

    def test_a_site_whose_monitoring_stopped_is_neither_read_nor_budgeted(self):
        """The vendor deactivated the system (onboarding stops its
        monitoring): the close does not read its devices and the plan does
        not pay a device pass for it, as it counts it out of the sites."""
        self.site.sudo().write({"monitoring_stopped": True})
        self.close(DAY - timedelta(days=1))
        self.close(DAY)
        energies = self.enphase._solar_device_day_energies(DAY)
        self.assertEqual(set(energies), set((self.enphase - self.site).ids))
        self.assertFalse(self.site.solar_device_energy_ids)
        counted = self.env["solar.site"]._solar_device_pass_sites(self.en_account.ids)
        self.assertEqual(counted, {self.en_account.id: 2})
        plan = self.en_account._health_plans(self.close_at(DAY))[self.en_account.id]
        self.assertEqual((plan.sites, plan.device_sites, plan.device_calls_per_day), (2, 2, 2))

    def test_the_daily_discovery_and_the_device_pass_share_the_month(self):
        """An account that lists its systems every day (onboarding) keeps that
        pass's calls in its plan beside the device pass, and says so on the
        account's form; a discovery pass leaves the device pass its month."""
        at = self.close_at(DAY)
        account = self.en_account.with_user(self.manager)
        account.discovery_enabled = True
        plan = account._health_plans(at)[account.id]
        self.assertTrue(plan.devices_daily)
        self.assertGreater(plan.discovery_calls_per_day, 0)
        self.assertLessEqual(plan.calls_per_month, plan.month_limit)
        self.assertIn("Listing the vendor's systems every day keeps", account.plan_usage)
        reserve = account._device_pass_reserve(at)
        self.assertEqual(reserve, plan.device_calls_per_day * plan.days_left)
        account.discovery_enabled = False
        alone = account._health_plans(at)[account.id]
        self.assertEqual(alone.discovery_calls_per_day, 0)
        self.assertLessEqual(alone.liveness_every_min, plan.liveness_every_min)
        account.invalidate_recordset(["plan_usage"])
        self.assertNotIn("Listing the vendor's systems", account.plan_usage)
