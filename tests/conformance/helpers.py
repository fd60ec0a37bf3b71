"""Helpers of the conformance suites: each vendor client against payloads in the shapes the
vendor documents (fixtures/, each naming its public source in `_source`),
served over real HTTP on 127.0.0.1, and the simulator's answers checked
against the same shapes."""

from solar_om_engine.clients import CLIENTS, SiteRef
from solar_om_engine.quota import QuotaLedger, Tier

ROOMY = Tier(1000, 100_000)


def make_client(vendor, url, tier=ROOMY, **kwargs):
    ledger = QuotaLedger(vendor, tier)
    if vendor == "solaredge":
        return CLIENTS[vendor](url, ledger, api_key=kwargs.get("api_key", "se-key"))
    if vendor == "enphase":
        return CLIENTS[vendor](
            url,
            ledger,
            api_key="en-key",
            client_id="en-client",
            client_secret="en-secret",
            access_token=kwargs.get("access_token", "en-access"),
            refresh_token=kwargs.get("refresh_token", ""),
        )
    return CLIENTS[vendor](url, ledger, app_id="ap-app", app_secret="ap-secret-123")


def site(ref, tz, key=None, lat=48.14, lon=11.58, capacity_w=8000.0, **kwargs):
    return SiteRef(key or f"k{ref}", str(ref), "acct", lat, lon, tz, capacity_w, **kwargs)
