# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.tests import tagged

from .common import NOON, MonitoringCommon

# SE4 sits behind a tree: it makes this share of what its roof's model says,
# every day, healthy (the simulator's `permanent_ratio`)
SHADE = 0.55


@tagged("post_install", "-at_install")
class TestSiteHistory(MonitoringCommon):
    """A site's own history (its ratio to the model on the good days the
    day's close judged, stored per day) is the share of its roof's model it
    usually makes: the site form shows it, and the check expects it."""

    def setUp(self):
        super().setUp()
        self.shaded = self.sites.filtered(lambda s: s.vendor_site_ref == "SE4")
        self.normal = self.sites.filtered(lambda s: s.vendor_site_ref == "SE0")
        self.fleet.sites["SE4"].permanent_ratio = SHADE
        self.addCleanup(setattr, self.fleet.sites["SE4"], "permanent_ratio", 1.0)

    def days(self, site):
        return self.env["solar.production.daily"].search([("site_id", "=", site.id)], order="day")

    def history(self, site, ratios, verdict):
        """Past days as the day's close records them."""
        today = NOON.date()
        self.env["solar.production.daily"].create(
            [
                {
                    "site_id": site.id,
                    "day": today - timedelta(days=len(ratios) - i),
                    "energy_kwh": 40.0 * ratio,
                    "model_ratio": ratio,
                    "model_verdict": verdict,
                }
                for i, ratio in enumerate(ratios)
            ]
        )

    def test_a_check_records_the_days_energy_and_no_judgement_of_it(self):
        # the shaded site makes 55 % of its model: no case from a snapshot,
        # and no ratio on the record either (the day's close judges the day)
        self.check()
        self.assertEqual(self.shaded.health_state, "ok")
        self.assertFalse(self.tickets(self.shaded))
        day = self.days(self.shaded)
        self.assertAlmostEqual(day.energy_kwh, self.shaded.last_energy_today_kwh, places=1)
        self.assertFalse(day.model_ratio)
        self.assertFalse(day.model_verdict)

    def test_the_site_form_shows_the_share_its_good_days_made(self):
        self.history(self.shaded, [0.56, 0.54, 0.57, 0.55, 0.53, 0.56], "underperformance")
        self.check()  # as of the site's last check
        shaded = self.shaded.with_user(self.agent).with_context(tz="UTC")
        self.assertAlmostEqual(shaded.history_ratio, 0.555, delta=0.001)
        self.assertFalse(self.normal.with_user(self.agent).history_ratio)

    def test_the_check_expects_the_sites_usual_share(self):
        self.check()
        bare = self.shaded.expected_energy_today_kwh
        self.assertGreater(bare, 0)
        self.assertAlmostEqual(self.shaded.production_ratio, SHADE, delta=0.08)
        self.history(self.shaded, [0.56, 0.54, 0.57, 0.55, 0.53, 0.56], "ok")
        self.check(NOON + timedelta(minutes=20))
        # what the site should have made so far is its usual share of the
        # model, so the form shows it making what it usually does
        site = self.shaded.with_user(self.agent)
        self.assertAlmostEqual(site.production_ratio, 1.0, delta=0.1)
        self.assertEqual(site.health_state, "ok")

    def test_days_of_other_faults_do_not_calibrate(self):
        # a week of zero production says nothing about shading
        self.history(self.shaded, [0.4] * 7, "inverter_fault")
        self.check()
        self.assertFalse(self.shaded.with_user(self.agent).history_ratio)
