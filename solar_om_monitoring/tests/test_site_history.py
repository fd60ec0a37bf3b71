# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.tests import tagged

from .common import NOON, MonitoringCommon

# SE4 sits behind a tree: it makes this share of what its roof's model says,
# every day, healthy (the simulator's `permanent_ratio`)
SHADE = 0.55
# SE5 does better than the model's typical losses (short cables, good modules)
STRONG = 1.25
# the planner's mid-afternoon production slot: at noon this small fleet's
# neighbours disagree on the sky (one shaded, one strong, no history yet),
# and the check waits for more of the day's energy before it calls a ratio
AFTERNOON = NOON + timedelta(hours=3)


@tagged("post_install", "-at_install")
class TestSiteHistory(MonitoringCommon):
    """A site's own history (its ratio to the model on recent good days,
    stored per day) calibrates the model: permanent shading stops alarming
    once the history exists, and a drop from the usual level still does."""

    def setUp(self):
        super().setUp()
        self.shaded = self.sites.filtered(lambda s: s.vendor_site_ref == "SE4")
        self.normal = self.sites.filtered(lambda s: s.vendor_site_ref == "SE0")
        self.strong = self.sites.filtered(lambda s: s.vendor_site_ref == "SE5")
        for ref, ratio in (("SE4", SHADE), ("SE5", STRONG)):
            self.fleet.sites[ref].permanent_ratio = ratio
            self.addCleanup(setattr, self.fleet.sites[ref], "permanent_ratio", 1.0)

    def days(self, site):
        return self.env["solar.production.daily"].search([("site_id", "=", site.id)], order="day")

    def history(self, site, ratios, verdict):
        """Past days as the health check would have recorded them."""
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

    def test_each_check_records_the_days_ratio_to_the_model(self):
        self.check()
        shaded, normal = self.days(self.shaded), self.days(self.normal)
        self.assertAlmostEqual(shaded.model_ratio, SHADE, delta=0.08)
        self.assertEqual(shaded.model_verdict, "underperformance")
        self.assertAlmostEqual(normal.model_ratio, 1.0, delta=0.08)
        self.assertEqual(normal.model_verdict, "ok")
        # without a history the shaded site is a case, like any 55 % site
        self.assertEqual(self.tickets(self.shaded).category_id.name, "Underperformance")

    def test_history_builds_from_daily_checks(self):
        for back in range(5, 0, -1):
            self.check(NOON - timedelta(days=back))
        days = self.days(self.shaded)
        self.assertEqual(len(days), 5)
        for day in days:
            self.assertAlmostEqual(day.model_ratio, SHADE, delta=0.08, msg=str(day.day))
        rows = [{"id": s.id, "tz": s.tz} for s in self.shaded | self.normal]
        ratios = self.env["solar.production.daily"]._health_history_ratios(rows, NOON)
        self.assertAlmostEqual(ratios[self.shaded.id], SHADE, delta=0.05)
        self.assertAlmostEqual(ratios[self.normal.id], 1.0, delta=0.05)

    def test_permanently_shaded_site_is_not_ticketed_once_its_history_exists(self):
        self.history(self.shaded, [0.56, 0.54, 0.57, 0.55, 0.53, 0.56], "underperformance")
        self.check(AFTERNOON)
        self.assertFalse(self.tickets(self.shaded))
        self.assertEqual(self.shaded.health_state, "ok", self.shaded.health_reason)
        # today's figure is the site's usual one, and goes on the record as such
        self.assertAlmostEqual(self.days(self.shaded)[-1].model_ratio, SHADE, delta=0.08)
        # the site form shows the share the check now expects
        shaded = self.shaded.with_user(self.agent).with_context(tz="UTC")
        self.assertAlmostEqual(shaded.history_ratio, 0.555, delta=0.001)
        self.assertFalse(self.normal.with_user(self.agent).history_ratio)

    def test_a_drop_from_the_sites_history_is_ticketed(self):
        # soiling: 55 % of its usual output, which is 69 % of the bare model
        self.fleet.inject("SE5", "underperformance", NOON.replace(hour=0))
        self.check()
        self.assertFalse(self.tickets(self.strong), "69 % of the model alone is no case")
        self.history(self.strong, [1.24, 1.27, 1.22, 1.25, 1.26, 1.24], "ok")
        self.check(NOON + timedelta(minutes=20))
        self.assertEqual(self.tickets(self.strong).category_id.name, "Underperformance")
        self.assertIn("of expected", self.strong.health_reason)

    def test_calibration_does_not_hide_a_shaded_sites_drop(self):
        self.history(self.shaded, [0.56, 0.54, 0.57, 0.55, 0.53, 0.56], "underperformance")
        # soiling on top of the shade: 55 % of its usual
        self.fleet.inject("SE4", "underperformance", NOON.replace(hour=0))
        self.check(AFTERNOON)
        self.assertEqual(self.tickets(self.shaded).category_id.name, "Underperformance")

    def test_days_of_other_faults_do_not_calibrate(self):
        # a week of zero production says nothing about shading
        self.history(self.shaded, [0.4] * 7, "inverter_fault")
        self.check()
        self.assertEqual(self.tickets(self.shaded).category_id.name, "Underperformance")
