"""`python -m solar_om_engine.simulator [--sites N | --demo | --onboarding VENDOR] [--port P]`"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from .fleet import demo_fleet, make_fleet, onboarding_fleet
from .server import Simulator


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Serve a simulated solar fleet on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("--demo", action="store_true", help="the demo fleet of solar_om")
    parser.add_argument(
        "--onboarding",
        metavar="VENDOR",
        choices=("solaredge", "enphase", "apsystems"),
        help="one installer account of --sites systems to discover (docs/onboarding.md)",
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.onboarding:
        fleet = onboarding_fleet(args.sites, args.onboarding, args.seed)
    elif args.demo:
        fleet = demo_fleet(args.seed)
    else:
        fleet = make_fleet(args.sites, args.seed)
    sim = Simulator(fleet, port=args.port).start()
    accounts = {a.key: {"vendor": a.vendor, "api_key": a.api_key} for a in fleet.accounts.values()}
    print(json.dumps({"url": sim.url, "sites": len(fleet.sites), "accounts": accounts}), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
