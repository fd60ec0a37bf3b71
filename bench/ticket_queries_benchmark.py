"""SQL queries per new monitoring ticket (figures, not a test).

    PYTHONPATH=$ODOO_SRC $ODOO_PYTHON bench/ticket_queries_benchmark.py DB [N] [--detail]

On an existing database DB with the addons installed (for example one made
with `-i solar_om,solar_om_cases,solar_om_monitoring --with-demo`), opens
new site faults and their tickets the way the health check and the daily
close do (`solar.fault._health_open_for_sites`, one ticket a fault, one
create() for the batch), flushes and runs the pre-commit hooks (tracking),
counts the queries, then rolls everything back. It prints the queries of a
warm-up batch of N tickets (default 20), of a second batch of N and of a
batch of one, the queries a ticket (the second batch's, and the marginal
one: (batch of N - batch of 1) / (N - 1)); with `--detail`, the second
batch's and the single ticket's queries grouped by statement, table and
calling frames (the nearest frames outside the ORM and the database layer).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sql_profile import recording, report  # noqa: E402

AT = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)


def main(argv):
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    from solar_om_engine.classify import Verdict
    from solar_om_engine.kinds import FaultKind

    detail = "--detail" in argv
    args = [a for a in argv if not a.startswith("--")]
    if not args:
        sys.exit(__doc__)
    db, size = args[0], int(args[1]) if len(args) > 1 else 20
    config.parse_config(["--log-level=warn"])

    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        model = env["solar.site"].search([("partner_id", "!=", False)], limit=1)
        if not model:
            sys.exit(f"{db} has no site with a customer to copy")

        def sites(count, tag):
            made = env["solar.site"].create(
                [
                    {
                        "name": f"Bench {tag} {i}",
                        "partner_id": model.partner_id.id,
                        "vendor": model.vendor,
                        "account_id": model.account_id.id,
                        "vendor_site_ref": f"bench-{tag}-{i}",
                        "latitude": model.latitude,
                        "longitude": model.longitude,
                        "tz": model.tz,
                        "capacity_dc_kwp": 5.0,
                    }
                    for i in range(count)
                ]
            )
            env.flush_all()
            return made

        def open_tickets(count, tag):
            made = sites(count, tag)
            verdicts = [
                Verdict(str(s.id), FaultKind.INVERTER_FAULT, "Bench: no production at noon")
                for s in made
            ]
            batch = [{"id": s.id, "company_id": s.company_id.id} for s in made]
            run = SimpleNamespace(at=AT, naive_at=AT.replace(tzinfo=None), stats=defaultdict(int))
            with recording() as queries:
                env["solar.fault"]._health_open_for_sites(
                    verdicts, batch, SimpleNamespace(readings={}), run
                )
                env.flush_all()
                cr.precommit.run()
                env.flush_all()
            if run.stats["tickets_opened"] != count:
                sys.exit(f"{count} faults opened {run.stats['tickets_opened']} tickets")
            return queries

        figures = {}
        for tag, count in (("warm-up", size), ("batch", size), ("single", 1)):
            queries = open_tickets(count, tag)
            figures[tag] = len(queries)
            print(
                f"{tag}: {count} new tickets, {len(queries)} queries, "
                f"{len(queries) / count:.1f} a ticket"
            )
            if detail and tag != "warm-up":
                print(report(queries, tag))
        if size > 1:
            marginal = (figures["batch"] - figures["single"]) / (size - 1)
            print(f"marginal: {marginal:.1f} queries a new ticket in a batch of {size}")
        cr.rollback()


if __name__ == "__main__":
    main(sys.argv[1:])
