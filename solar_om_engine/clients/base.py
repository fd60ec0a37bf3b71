"""What the three vendor clients share: the HTTP connection, the error
types, the site reference they are asked about and the result they return.

HTTP goes through urllib3 (requests' own transport) without requests'
session layer: a check makes a call or two per site, and preparing each
call through requests (merging environment settings, cookies and hooks)
cost more CPU than the call itself. What requests read from the
environment is read once per client instead: the proxy for the vendor's
host (HTTPS_PROXY and the like, NO_PROXY honoured) and the certificates
(REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, else certifi's, as requests)."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from urllib.parse import urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass_environment

import urllib3

from ..capture import DayCapture
from ..errors import EngineError
from ..quota import QuotaExhausted, QuotaLedger
from ..readings import Reading, ReadingError, parse_reading

_logger = logging.getLogger(__name__)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEFAULT_TIMEOUT = 20.0  # seconds; one number, as Odoo's test harness expects


class VendorError(EngineError):
    """A vendor call failed; the message never holds a credential."""


class AuthError(VendorError):
    """Credentials refused (401/403, bad signature): a person must act."""


class GoneError(VendorError):
    """HTTP 410: the vendor retired this API version."""


class TransientError(VendorError):
    """Time-out, connection error or 5xx: try again next check."""


class PayloadError(VendorError):
    """The answer was not the JSON the client expects (truncated, wrong types)."""


@dataclass(frozen=True)
class Response:
    """What a vendor answered, as the clients read it."""

    status_code: int
    # case-insensitive, as HTTP headers are (urllib3's HTTPHeaderDict)
    headers: Mapping[str, str]
    content: bytes

    def json(self):
        return json.loads(self.content)


# no retry on errors (a failed call is tried again at the next check, and
# counted against the quota once); redirects followed, as requests does
RETRIES = urllib3.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=5)


def connection_pool(base_url: str) -> urllib3.PoolManager:
    """The connections to one vendor's host: through the environment's proxy
    for it, if any, and verifying TLS as requests does."""
    parts = urlsplit(base_url)
    certificates = (
        os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or _certifi()
    )
    tls = {"cert_reqs": "CERT_REQUIRED", "ca_certs": certificates} if certificates else {}
    proxies = getproxies()
    proxy = None
    if not proxy_bypass_environment(parts.hostname or ""):
        proxy = proxies.get(parts.scheme) or proxies.get("all")
    if proxy:
        return urllib3.ProxyManager(proxy, **tls)
    return urllib3.PoolManager(**tls)


def _certifi() -> str | None:
    try:
        import certifi  # noqa: PLC0415 - requests' bundle, when installed
    except ImportError:  # pragma: no cover - requests installs it
        return None
    return certifi.where()


@dataclass(frozen=True)
class SiteRef:
    """A site as the poller knows it: our key, the vendor's id, and what the
    vendor cannot be trusted to say (coordinates, zone, capacity)."""

    key: str
    vendor_ref: str
    account: str
    latitude: float
    longitude: float
    timezone: str
    capacity_w: float | None
    meter_expected: bool = False
    connection: str | None = None
    # roof arrays as the reading carries them ({"dc_kwp", "tilt", "azimuth"})
    arrays: tuple = ()
    # the site's ratio to the model on recent good days (calibration.history_ratio)
    history_ratio: float | None = None


@dataclass(frozen=True)
class Liveness:
    """What the cheapest call says of one site: when it last reported (None
    when that call carries no time) and the vendor's own status word."""

    vendor_ref: str
    last_report_at: datetime | None
    vendor_status: str | None


@dataclass(kw_only=True)
class CallResult:
    """What every pass of calls on an account reports besides its data."""

    # site key (or vendor site id) -> what went wrong for that site only
    site_errors: dict[str, str] = field(default_factory=dict)
    # what stopped the whole account (quota spent, auth refused, vendor down)
    account_error: str = ""
    # what kind of stop: quota_month, quota_minute, auth, gone, transient or ""
    account_error_kind: str = ""
    calls: int = 0


@dataclass(kw_only=True)
class LivenessResult(CallResult):
    # vendor site id -> liveness
    sites: dict[str, Liveness] = field(default_factory=dict)


@dataclass(kw_only=True)
class PollResult(CallResult):
    readings: list[Reading] = field(default_factory=list)
    # site key -> the day's power series the reading came from, where the
    # call made for the reading carries it (no extra call): the day judge's
    series: dict[str, DayCapture] = field(default_factory=dict)


@dataclass(kw_only=True)
class SeriesResult(CallResult):
    """The day's series asked for after sunset (`client.day_series`)."""

    # site key -> the day's series
    series: dict[str, DayCapture] = field(default_factory=dict)


def check_base_url(url: str) -> str:
    """Vendors are reached over verified TLS only; plain HTTP is allowed for
    the project's own simulator on the loopback interface and nowhere else."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return url.rstrip("/")
    raise ValueError(
        f"refusing base URL {url!r}: vendor APIs need https (plain http only on 127.0.0.1)"
    )


_SECRET_PATTERNS = [
    re.compile(r"(?i)(api[_-]?key|key|access_token|refresh_token|token|secret)=[^&\s]+"),
    re.compile(r"(?i)(bearer)\s+[A-Za-z0-9._~+/=-]+"),
]


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + ("=***" if "=" in m.group(0) else " ***"), text)
    return text


class BaseClient:
    vendor = ""

    def __init__(self, base_url: str, ledger: QuotaLedger, timeout=DEFAULT_TIMEOUT):
        self.base_url = check_base_url(base_url)
        self.ledger = ledger
        self.timeout = urllib3.Timeout(connect=timeout, read=timeout)
        self.pool = connection_pool(self.base_url)
        self.calls = 0

    # subclasses list every credential they hold, so errors can hide them
    def _secrets(self) -> tuple[str, ...]:
        return ()

    def _systems_page(self, data) -> tuple[list, int]:
        """One page of a `/systems` listing (Enphase v4 and APsystems share
        its shape): its systems and the total the vendor counts."""
        items = data.get("systems") if isinstance(data, dict) else None
        try:
            total = int(data["total"])
        except (KeyError, TypeError, ValueError) as err:
            raise self._fail(
                PayloadError, f"/systems: expected total and systems, got {describe(data)}"
            ) from err
        if not isinstance(items, list):
            raise self._fail(PayloadError, "/systems: systems is not a list")
        return items, total

    def _fail(self, cls, message: str):
        return cls(redact(f"{self.vendor}: {message}", self._secrets()))

    def _send(self, method: str, path: str, params=None, headers=None, json=None) -> Response:
        """One call: `params` go in the query string (whatever the method),
        a None value left out; `json`, if given, is the body, as JSON."""
        self.ledger.acquire()
        self.calls += 1
        url = self.base_url + path
        if params:
            query = urlencode([(k, v) for k, v in params.items() if v is not None], doseq=True)
            url = f"{url}?{query}" if query else url
        extra = {}
        if json is not None:
            extra["json"] = json
        try:
            answer = self.pool.request(
                method, url, headers=headers, timeout=self.timeout, retries=RETRIES, **extra
            )
        except urllib3.exceptions.TimeoutError as err:
            raise self._fail(TransientError, f"{method} {path} timed out") from err
        except urllib3.exceptions.MaxRetryError as err:
            if isinstance(err.reason, urllib3.exceptions.TimeoutError):
                raise self._fail(TransientError, f"{method} {path} timed out") from err
            reason = type(err.reason or err).__name__
            raise self._fail(TransientError, f"{method} {path} failed: {reason}") from err
        except urllib3.exceptions.HTTPError as err:
            raise self._fail(
                TransientError, f"{method} {path} failed: {type(err).__name__}"
            ) from err
        response = Response(answer.status, answer.headers, answer.data)
        _logger.debug("%s %s -> %s", method, redact(path, self._secrets()), response.status_code)
        return response

    def _json(self, response: Response, path: str):
        try:
            return response.json()
        except (ValueError, json.JSONDecodeError) as err:
            raise self._fail(
                PayloadError,
                f"{path} answered {response.status_code} with invalid JSON "
                f"({len(response.content)} bytes)",
            ) from err

    def _raise_for_status(self, response: Response, path: str) -> None:
        code = response.status_code
        if code < 400:
            return
        if code in (401, 403):
            raise self._fail(AuthError, f"{path} refused the credentials ({code})")
        if code == 410:
            raise self._fail(GoneError, f"{path} answered 410 Gone: this API version is retired")
        if code == 429:
            raise self._fail(TransientError, f"{path} answered 429 Too Many Requests")
        if code >= 500:
            raise self._fail(TransientError, f"{path} answered {code}")
        raise self._fail(VendorError, f"{path} answered {code}")

    def poll(self, sites: list[SiteRef], at: datetime) -> PollResult:
        """One reading per site; an error on one site never stops the others,
        an error that concerns the account (auth, quota, outage) stops the poll."""
        result = PollResult()
        start = self.calls
        self._guarded(result, lambda: self._poll(sites, at, result))
        result.calls = self.calls - start
        return result

    def liveness(self, sites: list[SiteRef], at: datetime) -> LivenessResult:
        """When each site last reported and the vendor's status, from the
        cheapest documented call (see `costs.COSTS`), keyed by vendor site id."""
        result = LivenessResult()
        start = self.calls
        self._guarded(result, lambda: self._liveness(sites, at, result))
        result.calls = self.calls - start
        return result

    def day_series(self, sites: list[SiteRef], day: date, at: datetime) -> SeriesResult:
        """Each site's power series of its local `day` (asked at `at`, after
        the day's sunset), one documented call per site (`costs.COSTS`:
        `day_series_call`); an error on one site never stops the others."""
        result = SeriesResult()
        start = self.calls
        self._guarded(result, lambda: self._day_series(sites, day, at, result))
        result.calls = self.calls - start
        return result

    def _day_series(self, sites: list[SiteRef], day: date, at: datetime, result) -> None:
        raise NotImplementedError

    def _guarded(self, result, run) -> None:
        try:
            run()
        except (QuotaExhausted, VendorError) as err:
            result.account_error = redact(str(err), self._secrets())
            result.account_error_kind = self._error_kind(err)
        except Exception as err:  # noqa: BLE001 - a poll must never raise
            _logger.exception("%s poll failed", self.vendor)
            result.account_error = redact(
                f"{self.vendor}: unexpected {type(err).__name__}: {err}", self._secrets()
            )
            result.account_error_kind = "transient"

    def _error_kind(self, err: Exception) -> str:
        """The account's stop, for callers that act on it without parsing
        the message."""
        if isinstance(err, QuotaExhausted):
            return "quota_month" if err.period == "month" else "quota_minute"
        if isinstance(err, AuthError):
            return "auth"
        if isinstance(err, GoneError):
            return "gone"
        if "429" in str(err):
            return "quota_month" if self.ledger.blocked_period == "month" else "quota_minute"
        return "transient"

    def _poll(self, sites: list[SiteRef], at: datetime, result: PollResult) -> None:
        raise NotImplementedError

    def _liveness(self, sites: list[SiteRef], at: datetime, result: LivenessResult) -> None:
        raise NotImplementedError

    def _site_call(self, result: PollResult, site: SiteRef, call):
        """Run a per-site call; what concerns only that site is recorded on
        it and the poll goes on. Refused credentials, a retired API and a
        spent quota concern the whole account and stop the poll."""
        try:
            return call()
        except (AuthError, GoneError):
            raise
        except TransientError as err:
            if "429" in str(err):
                raise
            result.site_errors[site.key] = str(err)
        except VendorError as err:
            result.site_errors[site.key] = str(err)
        except (LookupError, AttributeError, TypeError, ValueError) as err:
            # an answer of a shape nobody documented: this site's problem
            result.site_errors[site.key] = redact(
                f"{self.vendor}: site {site.vendor_ref}: unexpected answer "
                f"({type(err).__name__}: {err})",
                self._secrets(),
            )
        return None

    def _site_reading(self, site: SiteRef, **measured) -> Reading:
        """The normalised reading: what we know of the site, plus what the
        vendor measured (validated by `parse_reading`, like any input)."""
        data = {
            "site": site.key,
            "account": site.account,
            "vendor": self.vendor,
            "latitude": site.latitude,
            "longitude": site.longitude,
            "timezone": site.timezone,
            # 0 or None: unknown, so only what needs no capacity is judged
            "capacity_w": site.capacity_w or None,
            "connection": site.connection,
            "meter_expected": site.meter_expected,
            "arrays": list(site.arrays) or None,
            "history_ratio": site.history_ratio,
        }
        data.update(measured)
        return parse_reading(data)

    def _add(self, result: PollResult, site: SiteRef, build) -> None:
        try:
            result.readings.append(build())
        except (ReadingError, PayloadError) as err:
            result.site_errors[site.key] = redact(str(err), self._secrets())
        except (LookupError, AttributeError, TypeError, ValueError) as err:
            result.site_errors[site.key] = redact(
                f"{self.vendor}: site {site.vendor_ref}: unexpected answer "
                f"({type(err).__name__}: {err})",
                self._secrets(),
            )

    # ------------------------------------------------ per-device day energy
    # (issue 26, item 2: devices against each other; `device_energy.py`)
    def device_day_energies(
        self,
        sites: list[SiteRef],
        day: date,
        at: datetime | None = None,
        baselines: dict[str, dict[str, float]] | None = None,
    ):
        """Each device's energy of the sites' local `day`, one call a site
        (APsystems: one per ECU after the details), keyed by site key; meant
        for the day's close. `baselines` (site key -> serial -> Wh): each
        device's lifetime energy read at the previous day's close, for the
        vendors that only give a lifetime (Enphase). One bad site never
        stops the others; a stop that concerns the account does."""
        from .device_energy import DeviceEnergyResult

        result = DeviceEnergyResult()
        start = self.calls
        at = at or datetime.fromtimestamp(self.ledger.clock(), timezone.utc)
        self._guarded(result, lambda: self._device_days(sites, day, at, baselines or {}, result))
        result.calls = self.calls - start
        return result

    def _device_days(self, sites, day, at, baselines, result) -> None:
        for site in sites:
            got = self._site_call(
                result, site, lambda s=site: self._device_day(s, day, at, baselines.get(s.key, {}))
            )
            if site.key in result.site_errors:
                result.site_errors[site.key] = redact(result.site_errors[site.key], self._secrets())
            elif got is not None:
                result.sites[site.key] = got

    def _device_day(self, site: SiteRef, day: date, at: datetime, baseline: dict[str, float]):
        raise self._fail(VendorError, "this vendor's API gives no per-device energy")


def number(value, what: str):
    """A vendor number that may come as a string ("12.3") or null."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise PayloadError(f"{what} is not a number: {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError) as err:
        raise PayloadError(f"{what} is not a number: {value!r}") from err


def describe(body) -> str:
    """What came back, in a few words, for an error message (no values: an
    answer may hold a token)."""
    if body is None:
        return "null"
    if isinstance(body, dict):
        keys = ", ".join(sorted(map(str, body))[:8])
        return f"an object with keys [{keys}]" if body else "an empty object"
    if isinstance(body, list):
        return f"a list of {len(body)} item{'s' if len(body) != 1 else ''}"
    return f"a {type(body).__name__}"
