# Sourced by setup/run.sh: serve the demo fleet from the simulator on
# 127.0.0.1, inject a few faults, and run a first health check so tickets
# are there when the user logs in.
SIM_URL="http://127.0.0.1:${SIM_PORT}"
if curl -sf "$SIM_URL/_sim/stats" >/dev/null 2>&1; then
    say "simulator already answering on $SIM_URL"
else
    say "starting the fleet simulator on $SIM_URL (log: var/simulator.log)"
    (cd /tmp && nohup "$ODOO_PYTHON" -m solar_om_engine.simulator --demo --port "$SIM_PORT" \
        > "$VAR/simulator.log" 2>&1 & echo $! > "$VAR/simulator.pid")
    for _ in $(seq 50); do curl -sf "$SIM_URL/_sim/stats" >/dev/null 2>&1 && break; sleep 0.2; done
    curl -sf "$SIM_URL/_sim/stats" >/dev/null || die "the simulator did not start: see var/simulator.log"
fi
# One fault per region, so whichever part of the world is in daylight now
# shows tickets: comms loss, zero production and a partial outage.
for spec in 1001:comms_loss 1002:zero_production 2001:zero_production 2002:partial_outage \
            3001:comms_loss 3002:zero_production; do
    curl -sf -X POST "$SIM_URL/_sim/fault" \
        -d "{\"site\": \"${spec%%:*}\", \"kind\": \"${spec##*:}\", \"since\": \"$(date -u -d '-2 hours' +%FT%TZ)\"}" >/dev/null
done
# The day judge's demo: Rome's roof has underperformed (soiling) for the
# last three days; its neighbours (the simulator's sites around each demo
# site) are added as sites so that each has a sky to be judged against,
# and the simulator's last four days are closed through the same daily
# close the cron runs: the day judge opens Rome's Underperformance ticket.
curl -sf -X POST "$SIM_URL/_sim/fault" \
    -d "{\"site\": \"1003\", \"kind\": \"underperformance\", \"since\": \"$(date -u -d '-3 days' +%FT00:00:00Z)\"}" >/dev/null
# a sunny spell over Denver: the day judge learns the roof nobody entered
# there (Brown residence) from its clear days
curl -sf -X POST "$SIM_URL/_sim/clear" -d '{"cell": "Denver"}' >/dev/null
say "the demo sites' neighbours, and their last days closed by the day judge"
SOLAR_OM_SIM_URL="$SIM_URL" SOLAR_OM_SIM_PORT="$SIM_PORT" odoo_cmd shell -d "$DB" --addons-path="$REPO" --no-http --log-level=warn <<'PY'
import json, os, urllib.request
from datetime import datetime, timedelta, timezone
from odoo import Command
url, port = os.environ["SOLAR_OM_SIM_URL"], os.environ["SOLAR_OM_SIM_PORT"]
Account = env["solar.monitoring.account"]
for account in Account.search([("base_url", "=like", "http://127.0.0.1:8765/%")]):
    account.base_url = account.base_url.replace(":8765/", f":{port}/", 1)
accounts = {a.vendor: a for a in Account.search([("base_url", "=like", f"{url}/%")])}
known = set(env["solar.site"].with_context(active_test=False).search([]).mapped("vendor_site_ref"))
with urllib.request.urlopen(f"{url}/_sim/sites", timeout=30) as answer:
    simulated = json.load(answer)
partner = env["res.partner"].search([("name", "=", "Neighbouring systems (simulated)")], limit=1)
partner = partner or env["res.partner"].create({"name": "Neighbouring systems (simulated)"})
new = [
    {
        "name": s["name"],
        "partner_id": partner.id,
        "vendor": s["vendor"],
        "vendor_site_ref": s["ref"],
        "account_id": accounts[s["vendor"]].id,
        "latitude": s["latitude"],
        "longitude": s["longitude"],
        "tz": s["timezone"],
        "capacity_dc_kwp": sum(a["dc_kwp"] for a in s["arrays"]) if s["arrays"] else s["capacity_w"] / 1000,
        "connection": s["connection"],
        "contract_state": "active",
        "roof_orientation": "arrays" if s["arrays"] else "unknown",
        "array_ids": [Command.create(a) for a in s["arrays"] or []],
    }
    for s in simulated
    if s["ref"] not in known and s["vendor"] in accounts
]
env["solar.site"].create(new)
today = datetime.now(timezone.utc).date()
stats = env["solar.day.close"]._replay_days([today - timedelta(days=k) for k in (4, 3, 2, 1)])
env.cr.commit()
print("[solar-om] neighbours added:", len(new), "; days closed:", {k: v for k, v in stats.items() if v})
PY
say "first health check of the demo fleet"
SOLAR_OM_SIM_PORT="$SIM_PORT" odoo_cmd shell -d "$DB" --addons-path="$REPO" --no-http --log-level=warn <<'PY'
import os
# the demo accounts ship pointing at the simulator's default port
port = os.environ["SOLAR_OM_SIM_PORT"]
for account in env["solar.monitoring.account"].search([("base_url", "=like", "http://127.0.0.1:8765/%")]):
    account.base_url = account.base_url.replace(":8765/", f":{port}/", 1)
stats = env["solar.health.check"].run(force=True)
env.cr.commit()
print("[solar-om] health check:", {k: v for k, v in stats.items() if v})
PY
cat <<MSG
[solar-om] The simulator serves the demo fleet on $SIM_URL and the health check
[solar-om] polls each account on its plan (Solar O&M > Configuration > Monitoring Accounts > Check now).
[solar-om] Sites in daylight with an injected fault now have a ticket (Helpdesk, filter "From Monitoring").
[solar-om] The day judge closed the last four days of every site (site form, tab Days):
[solar-om] Rome's roof underperforms since three days ago, and its Underperformance ticket
[solar-om] lists the days in its chatter; Denver's roof, never entered, was inferred (tab Roof).
[solar-om] Repair one and watch its ticket close after two normal checks:
[solar-om]   curl -X POST $SIM_URL/_sim/fault -d '{"site": "1002", "kind": null}'
MSG
