"""Onboarding a fleet: what each vendor's list and device calls say of a
system, normalised; which systems are new, known or deactivated; the customer
a new system most likely belongs to, and why; what changed in a site's
devices; the territory, team and project a new site gets.

Pure functions over plain values: the addons read the vendors through the
clients (`clients/*.py`, "discovery" sections), call these, and persist.

Shapes read (fixtures under tests/conformance/fixtures name each source):

- SolarEdge v2 `GET /sites` items: `siteId, name, peakPower (kW), installationDate,
  location, activationStatus, note` (live capture CathalOConnorRH/solaredge-v2:
  tests/fixtures/sites.json, location redacted to a string there). Its
  `location` object is read with the field names SolarEdge documents for the
  site list (`address, address2, zip, city, state, country, countryCode,
  timeZone`; Monitoring Server API PDF via fatualux/solaredge-bot-pariz:
  API-doc/Introduction.md); a string is taken as a one-line address.
  `GET /sites/{id}/devices`: a bare array of `type, serialNumber, manufacturer,
  partNumber, active, firmwareVersion, connectedOptimizers` (live capture
  CathalOConnorRH/solaredge-v2:tests/fixtures/devices.json).
- Enphase v4 `GET /systems` items: `system_id, name, timezone, address{city,
  state, country, postal_code}, connection_type, status, operational_at,
  reference` (quickstart sample and NathanBaulch/EnphaseOpenAPI:monitoring.yaml
  branch v4, SystemDetails); `GET /systems/{id}/devices`: `devices` keyed by
  type (`micros, meters, gateways, q_relays, acbs, encharges, enpowers`), each
  item `serial_number, model, sku, part_number, status, active`
  (monitoring.yaml GetSystemDevicesResponse).
- APsystems OpenAPI, installer profile: `POST /installer/api/v2/systems` pages of
  `sid, create_date, capacity (kW string), type, timezone, ecu[], light`;
  `GET .../systems/inverters/{sid}`: `[{eid, type, timezone, inverter:[{uid,
  type}]}]` (Installer manual V1.8 2025-07-18, 5.1 and 5.3, as digested in
  TomOrtega/apsystems-alert-monitor:docs/apsystems-openapi-reference.md). The
  end-user profile lists no systems: their ids are pasted or imported.

None of the three list calls carries coordinates; a `VendorSystem` holds them
only when its source gave them (a spreadsheet row), else they come from the
address (Odoo's geocoder).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum

from .errors import EngineError
from .geo import GeoError, check_coordinates, zone


class OnboardingError(EngineError, ValueError):
    """A vendor's description of a system that cannot make a site."""


# ---------------------------------------------------------------- systems


@dataclass(frozen=True)
class VendorDevice:
    """One device as the vendor lists it, in `solar.device`'s words."""

    kind: str  # inverter, optimizer, microinverter, meter, gateway, battery
    serial: str
    brand: str
    model: str = ""
    firmware: str = ""
    parent_serial: str = ""


@dataclass(frozen=True)
class VendorSystem:
    """One system of a monitoring account, as its vendor describes it."""

    vendor: str
    vendor_ref: str
    name: str
    capacity_kwp: float | None = None
    timezone: str | None = None
    street: str = ""
    street2: str = ""
    zip: str = ""
    city: str = ""
    state: str = ""
    country: str = ""  # ISO code when the vendor gives one, else its name
    installation_date: date | None = None
    status: str = ""  # the vendor's own word
    deactivated: bool = False
    reference: str = ""  # the installer's own id for the system (Enphase `reference`)
    email: str = ""
    latitude: float | None = None
    longitude: float | None = None
    connection: str | None = None


# Enphase statuses that mean "not a monitored system any more" (docs.html
# status table; vendor-apis.md's "skip the system" row)
ENPHASE_DEACTIVATED = frozenset({"deactivated", "retired", "not_monitored", "unused", "disabled"})
# SolarEdge: v1 documents Active, Pending (created, not communicating yet),
# Disabled; v2 answers upper case (live capture: "ACTIVE")
SOLAREDGE_ACTIVE = frozenset({"ACTIVE", "PENDING", "PENDING_COMMUNICATION"})
CONNECTIONS = frozenset({"ethernet", "wifi", "cellular"})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _number(value, what: str, ref: str) -> float | None:
    if value in (None, "", -1, "-1"):
        return None
    if isinstance(value, bool):
        raise OnboardingError(f"system {ref}: {what} is not a number: {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError) as err:
        raise OnboardingError(f"system {ref}: {what} is not a number: {value!r}") from err
    return number if number > 0 else None


def _date(value, ref: str) -> date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None  # a redacted or odd date is not a reason to lose the system


def _zone_or_none(name) -> str | None:
    text = _text(name)
    if not text:
        return None
    try:
        zone(text)
    except GeoError:
        return None
    return text


def _email_in(*texts) -> str:
    for text in texts:
        found = _EMAIL.search(text or "")
        if found:
            return found.group(0).lower()
    return ""


def _ref(value, what: str) -> str:
    ref = _text(value)
    if not ref:
        raise OnboardingError(f"a system without {what}")
    return ref


def solaredge_system(item: Mapping) -> VendorSystem:
    """A SolarEdge v2 `/sites` item."""
    if not isinstance(item, Mapping):
        raise OnboardingError(f"a /sites item is {type(item).__name__}, not an object")
    ref = _ref(item.get("siteId"), "siteId")
    location = item.get("location")
    address = {}
    if isinstance(location, Mapping):
        address = {
            "street": _text(location.get("address")),
            "street2": _text(location.get("address2")),
            "zip": _text(location.get("zip")),
            "city": _text(location.get("city")),
            "state": _text(location.get("stateCode") or location.get("state")),
            "country": _text(location.get("countryCode") or location.get("country")),
        }
        tz = _zone_or_none(location.get("timeZone"))
    else:
        address = {"street": _text(location)}
        tz = None
    status = _text(item.get("activationStatus") or item.get("status"))
    note = _text(item.get("note") or item.get("notes"))
    return VendorSystem(
        vendor="solaredge",
        vendor_ref=ref,
        name=_text(item.get("name")) or f"SolarEdge {ref}",
        capacity_kwp=_number(item.get("peakPower"), "peakPower", ref),
        timezone=tz,
        installation_date=_date(item.get("installationDate"), ref),
        status=status,
        deactivated=bool(status) and status.upper() not in SOLAREDGE_ACTIVE,
        email=_email_in(note, _text(item.get("name"))),
        **address,
    )


def enphase_system(item: Mapping) -> VendorSystem:
    """An Enphase v4 `/systems` item (`system_size` is -1 in lists: unknown)."""
    if not isinstance(item, Mapping):
        raise OnboardingError(f"a /systems item is {type(item).__name__}, not an object")
    ref = _ref(item.get("system_id"), "system_id")
    address = item.get("address") if isinstance(item.get("address"), Mapping) else {}
    tz = _zone_or_none(item.get("timezone"))
    operational = item.get("operational_at")
    installed = _date(item.get("interconnect_date"), ref)
    if installed is None and isinstance(operational, (int, float)) and operational > 0:
        moment = datetime.fromtimestamp(operational, timezone.utc)
        installed = moment.astimezone(zone(tz)).date() if tz else moment.date()
    status = _text(item.get("status"))
    connection = _text(item.get("connection_type")).lower()
    return VendorSystem(
        vendor="enphase",
        vendor_ref=ref,
        name=_text(item.get("name")) or f"Enphase {ref}",
        capacity_kwp=_number(item.get("system_size"), "system_size", ref),
        timezone=tz,
        city=_text(address.get("city")),
        state=_text(address.get("state")),
        zip=_text(address.get("postal_code")),
        country=_text(address.get("country")),
        installation_date=installed,
        status=status,
        deactivated=status.lower() in ENPHASE_DEACTIVATED,
        reference=_text(item.get("reference")),
        email=_email_in(_text(item.get("name"))),
        connection=connection if connection in CONNECTIONS else None,
    )


def apsystems_system(item: Mapping) -> VendorSystem:
    """An APsystems installer list item or a `systems/details/{sid}` answer:
    no name and no address, a capacity in kW as a string."""
    if not isinstance(item, Mapping):
        raise OnboardingError(f"a systems item is {type(item).__name__}, not an object")
    ref = _ref(item.get("sid"), "sid")
    light = item.get("light")
    words = {1: "normal", 2: "warning", 3: "ecu offline", 4: "no data yet"}
    try:
        status = words.get(int(light), "") if light is not None else ""
    except (TypeError, ValueError):
        status = ""
    return VendorSystem(
        vendor="apsystems",
        vendor_ref=ref,
        name=f"APsystems {ref}",
        capacity_kwp=_number(item.get("capacity"), "capacity", ref),
        timezone=_zone_or_none(item.get("timezone")),
        installation_date=_date(item.get("create_date"), ref),
        status=status,
    )


NORMALISERS = {
    "solaredge": solaredge_system,
    "enphase": enphase_system,
    "apsystems": apsystems_system,
}


def normalise_systems(vendor: str, items: Iterable) -> tuple[list[VendorSystem], dict[str, str]]:
    """(systems, problems): an item that cannot be read is named in
    `problems` (by its id where it has one) and the others go on."""
    read = NORMALISERS[vendor]
    systems, problems, seen = [], {}, set()
    for index, item in enumerate(items):
        try:
            system = read(item)
        except OnboardingError as err:
            key = _text(item.get(_ID_KEY[vendor])) if isinstance(item, Mapping) else ""
            problems[key or f"item {index + 1}"] = str(err)
            continue
        if system.vendor_ref in seen:
            continue  # a system repeated across pages
        seen.add(system.vendor_ref)
        systems.append(system)
    return systems, problems


_ID_KEY = {"solaredge": "siteId", "enphase": "system_id", "apsystems": "sid"}


# ---------------------------------------------------------------- devices

SOLAREDGE_KINDS = {
    "INVERTER": "inverter",
    "OPTIMIZER": "optimizer",
    "METER": "meter",
    "BATTERY": "battery",
    "GATEWAY": "gateway",
}
ENPHASE_KINDS = {
    "micros": "microinverter",
    "meters": "meter",
    "gateways": "gateway",
    "acbs": "battery",
    "encharges": "battery",
}


def solaredge_devices(body) -> list[VendorDevice]:
    """`/sites/{id}/devices` (a bare array); inactive devices are left out."""
    if not isinstance(body, list):
        raise OnboardingError(f"devices: expected an array, got {type(body).__name__}")
    devices = []
    for item in body:
        if not isinstance(item, Mapping) or item.get("active") is False:
            continue
        kind = SOLAREDGE_KINDS.get(_text(item.get("type")).upper())
        serial = _text(item.get("serialNumber"))
        if kind and serial:
            devices.append(
                VendorDevice(
                    kind=kind,
                    serial=serial,
                    brand=_text(item.get("manufacturer")) or "SolarEdge",
                    model=_text(item.get("partNumber")),
                    firmware=_text(item.get("firmwareVersion")),
                    parent_serial=_text(item.get("connectedTo")),
                )
            )
    return devices


def enphase_devices(body) -> list[VendorDevice]:
    """`/systems/{id}/devices`: micros hang off the system's gateway when it
    has exactly one (the list does not say which gateway a micro reports to)."""
    groups = body.get("devices") if isinstance(body, Mapping) else None
    if not isinstance(groups, Mapping):
        raise OnboardingError("devices: expected an object with `devices`")
    devices = []
    for key, kind in ENPHASE_KINDS.items():
        for item in groups.get(key) or []:
            if not isinstance(item, Mapping) or item.get("active") is False:
                continue
            serial = _text(item.get("serial_number"))
            if serial:
                devices.append(
                    VendorDevice(
                        kind=kind,
                        serial=serial,
                        brand="Enphase",
                        model=_text(item.get("sku") or item.get("model")),
                        firmware=_text(item.get("emu_sw_version")),
                    )
                )
    gateways = [d.serial for d in devices if d.kind == "gateway"]
    if len(gateways) == 1:
        devices = [
            VendorDevice(d.kind, d.serial, d.brand, d.model, d.firmware, gateways[0])
            if d.kind == "microinverter"
            else d
            for d in devices
        ]
    return devices


def apsystems_devices(body) -> list[VendorDevice]:
    """`systems/inverters/{sid}`: each ECU and the microinverters under it."""
    if not isinstance(body, list):
        raise OnboardingError(f"inverters: expected an array, got {type(body).__name__}")
    devices = []
    for ecu in body:
        if not isinstance(ecu, Mapping):
            continue
        eid = _text(ecu.get("eid"))
        if not eid:
            continue
        devices.append(VendorDevice("gateway", eid, "APsystems", "ECU"))
        for inverter in ecu.get("inverter") or []:
            uid = _text(inverter.get("uid")) if isinstance(inverter, Mapping) else ""
            if uid:
                devices.append(
                    VendorDevice(
                        "microinverter", uid, "APsystems", _text(inverter.get("type")), "", eid
                    )
                )
    return devices


DEVICE_READERS = {
    "solaredge": solaredge_devices,
    "enphase": enphase_devices,
    "apsystems": apsystems_devices,
}


# ---------------------------------------------------------------- sorting


class SystemState(str, Enum):
    """Where a listed system stands against the account's sites."""

    NEW = "new"  # not monitored yet
    KNOWN = "known"  # a site has this vendor id
    DEACTIVATED = "deactivated"  # the vendor deactivated it (or no longer lists it)


@dataclass(frozen=True)
class Discovery:
    """An account's systems against its sites."""

    new: tuple[VendorSystem, ...] = ()
    known: tuple[VendorSystem, ...] = ()
    # listed systems the vendor calls deactivated (known or not)
    deactivated: tuple[VendorSystem, ...] = ()
    # known sites that the vendor deactivated and whose monitoring runs: stop it
    to_stop: tuple[str, ...] = ()
    # known sites whose monitoring was stopped and the vendor lists active again
    to_resume: tuple[str, ...] = ()
    # known vendor ids no longer listed (only when the whole list was read)
    gone: tuple[str, ...] = ()

    def state_of(self, ref: str) -> SystemState | None:
        for state, systems in (
            (SystemState.DEACTIVATED, self.deactivated),
            (SystemState.KNOWN, self.known),
            (SystemState.NEW, self.new),
        ):
            if any(s.vendor_ref == ref for s in systems):
                return state
        return None


def sort_systems(
    systems: Sequence[VendorSystem],
    known: Mapping[str, bool],
    complete: bool = True,
) -> Discovery:
    """`known`: vendor id -> whether that site's monitoring is stopped.
    A known site missing from a `complete` list is gone from the account
    and stopped like a deactivated one; from a partial list nothing is
    concluded."""
    new, kept, off, stop, resume = [], [], [], [], []
    listed = set()
    for system in systems:
        listed.add(system.vendor_ref)
        stopped = known.get(system.vendor_ref)
        if system.deactivated:
            off.append(system)
            if stopped is False:
                stop.append(system.vendor_ref)
        elif stopped is None:
            new.append(system)
        else:
            kept.append(system)
            if stopped:
                resume.append(system.vendor_ref)
    gone = sorted(ref for ref in known if ref not in listed) if complete else []
    stop += [ref for ref in gone if known[ref] is False]
    return Discovery(
        new=tuple(new),
        known=tuple(kept),
        deactivated=tuple(off),
        to_stop=tuple(stop),
        to_resume=tuple(resume),
        gone=tuple(gone),
    )


# ---------------------------------------------------------------- customers


class MatchRule(str, Enum):
    REFERENCE = "reference"
    EMAIL = "email"
    NAME_ADDRESS = "name_address"
    NAME = "name"
    ADDRESS = "address"
    NONE = "none"


MATCH_LABELS = {
    MatchRule.REFERENCE: "Reference",
    MatchRule.EMAIL: "E-mail",
    MatchRule.NAME_ADDRESS: "Name and address",
    MatchRule.NAME: "Name",
    MatchRule.ADDRESS: "Address",
    MatchRule.NONE: "No match",
}


@dataclass(frozen=True)
class Candidate:
    """A customer a system may belong to (a partner, as plain values)."""

    id: int
    name: str
    ref: str = ""
    email: str = ""
    street: str = ""
    zip: str = ""
    city: str = ""


@dataclass(frozen=True)
class Match:
    partner_id: int | None
    rule: MatchRule
    reason: str


# words of a system's name that say nothing of who owns it
NAME_NOISE = frozenset(
    """home house residence residential system systems solar pv photovoltaic roof rooftop
    site array plant installation the of and und et y family familie famille familia casa
    maison haus hof de del la le les der die das van von mr mrs ms dr""".split()
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def name_tokens(text: str) -> frozenset[str]:
    """The words of a name that can identify a person: folded, without
    accents, digits or the words every system name carries."""
    words = re.findall(r"[a-z]+", _fold(text))
    return frozenset(w for w in words if len(w) >= 2 and w not in NAME_NOISE)


def _street_key(street: str, zip_code: str) -> tuple[str, str] | None:
    """A street and postcode compared loosely: accents, case, punctuation and
    the street type ("Lindenstraße 4" is "Lindenstr. 4") left out."""
    folded = _fold(street).replace("ß", "ss")
    folded = re.sub(r"(strasse|street|str|road|avenue|ave|rd|st)(?=\W|$)", "", folded)
    folded = re.sub(r"[^a-z0-9]", "", folded)
    code = re.sub(r"\s", "", (zip_code or "").lower())
    return (folded, code) if folded and code else None


class CustomerIndex:
    """The candidates indexed once, so matching a thousand systems costs a
    thousand look-ups, not a thousand scans."""

    def __init__(self, candidates: Iterable[Candidate]):
        self.by_ref: dict[str, list[Candidate]] = defaultdict(list)
        self.by_email: dict[str, list[Candidate]] = defaultdict(list)
        self.by_token: dict[str, list[Candidate]] = defaultdict(list)
        self.by_street: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        self.tokens: dict[int, frozenset[str]] = {}
        for c in candidates:
            if c.ref.strip():
                self.by_ref[c.ref.strip().lower()].append(c)
            if c.email.strip():
                self.by_email[c.email.strip().lower()].append(c)
            tokens = name_tokens(c.name)
            self.tokens[c.id] = tokens
            for token in tokens:
                self.by_token[token].append(c)
            key = _street_key(c.street, c.zip)
            if key:
                self.by_street[key].append(c)


def match_customer(system: VendorSystem, index: CustomerIndex) -> Match:
    """The customer a new system most likely belongs to, and the reason.

    In order: the installer's own reference for the system equals a
    customer's reference; an e-mail in the system's name or note is a
    customer's; the system's name names exactly one customer, preferring the
    one at the system's address (same postcode, or same city); the system's
    street and postcode are exactly one customer's. Anything ambiguous is no
    match, with the reason saying how many customers it could be."""
    ref = system.reference.strip().lower()
    if ref and len(index.by_ref.get(ref, ())) == 1:
        (c,) = index.by_ref[ref]
        return Match(c.id, MatchRule.REFERENCE, f"reference {system.reference} is {c.name}'s")
    email = system.email.strip().lower()
    if email and len(index.by_email.get(email, ())) == 1:
        (c,) = index.by_email[email]
        return Match(c.id, MatchRule.EMAIL, f"e-mail {system.email} is {c.name}'s")
    tokens = name_tokens(system.name)
    named = _named(tokens, index)
    # a customer named exactly as the system (one created from it before)
    # is surer than one whose name merely contains it
    exact = [c for c in named if index.tokens[c.id] == tokens]
    if len(exact) == 1 and len(named) > 1:
        named = exact
    if named:
        here = [c for c in named if _same_place(system, c)]
        if len(here) == 1:
            c = here[0]
            where = system.zip if system.zip and system.zip == c.zip else system.city
            return Match(
                c.id,
                MatchRule.NAME_ADDRESS,
                f"“{system.name}” names {c.name}, who lives in {where}",
            )
        if len(named) == 1:
            c = named[0]
            return Match(c.id, MatchRule.NAME, f"“{system.name}” names {c.name}")
    key = _street_key(system.street, system.zip)
    at_address = index.by_street.get(key, []) if key else []
    if len(at_address) == 1:
        c = at_address[0]
        where = f"{system.street}, {system.zip}"
        return Match(c.id, MatchRule.ADDRESS, f"{where} is {c.name}'s address")
    if len(named) > 1:
        return Match(
            None,
            MatchRule.NONE,
            f"“{system.name}” could be {len(named)} customers: choose one",
        )
    return Match(None, MatchRule.NONE, "no customer has this reference, e-mail, name or address")


def _named(tokens: frozenset[str], index: CustomerIndex) -> list[Candidate]:
    """Customers whose name the system's name gives: every significant word
    of the system's name is in the customer's ("Garcia home" names Maria
    Garcia), or the customer's whole name is in the system's."""
    if not tokens:
        return []
    pools = [index.by_token.get(t, []) for t in tokens]
    found = {}
    # a customer with all the system's words
    first = min(pools, key=len)
    for c in first:
        if tokens <= index.tokens[c.id]:
            found[c.id] = c
    # a customer whose whole (two-word or longer) name is in the system's
    for pool in pools:
        for c in pool:
            own = index.tokens[c.id]
            if len(own) >= 2 and own <= tokens:
                found[c.id] = c
    return sorted(found.values(), key=lambda c: c.id)


def _same_place(system: VendorSystem, c: Candidate) -> bool:
    if system.zip and c.zip:
        return re.sub(r"\s", "", system.zip) == re.sub(r"\s", "", c.zip)
    return bool(system.city and c.city and _fold(system.city) == _fold(c.city))


def match_customers(
    systems: Sequence[VendorSystem], candidates: Iterable[Candidate]
) -> dict[str, Match]:
    """vendor id -> Match, for each system, from one index of the candidates."""
    index = CustomerIndex(candidates)
    return {s.vendor_ref: match_customer(s, index) for s in systems}


# ---------------------------------------------------------------- new sites


@dataclass(frozen=True)
class SitePlan:
    """What a new site is created with, from what its vendor said."""

    name: str
    capacity_kwp: float
    timezone: str
    installation_date: date | None
    latitude: float | None
    longitude: float | None


def site_plan(system: VendorSystem, default_timezone: str, capacity_kwp: float | None = None):
    """The new site's values, or OnboardingError naming what is missing: a
    site needs a capacity (the vendor's, or `capacity_kwp` read elsewhere,
    Enphase's summary) and a time zone (the vendor's, else the customer's or
    company's `default_timezone`)."""
    capacity = system.capacity_kwp or capacity_kwp
    if not capacity or capacity <= 0:
        raise OnboardingError(
            f"system {system.vendor_ref}: the vendor gives no capacity: enter the DC kWp"
        )
    tz = system.timezone or _zone_or_none(default_timezone)
    if not tz:
        raise OnboardingError(f"system {system.vendor_ref}: no time zone known")
    lat, lon = system.latitude, system.longitude
    if lat is not None and lon is not None:
        try:
            check_coordinates(lat, lon)
        except GeoError as err:
            raise OnboardingError(f"system {system.vendor_ref}: {err}") from err
    else:
        lat = lon = None
    return SitePlan(system.name, round(capacity, 3), tz, system.installation_date, lat, lon)


@dataclass(frozen=True)
class Territory:
    id: int
    zips: frozenset[str] = frozenset()
    state_ids: frozenset[int] = frozenset()
    country_ids: frozenset[int] = frozenset()


def pick_territory(
    zip_code: str, state_id: int | None, country_id: int | None, territories: Sequence[Territory]
) -> int | None:
    """The territory serving an address: the one listing its postcode, else
    its state, else its country; None when none, or two at the same level."""
    code = re.sub(r"\s", "", zip_code or "").upper()
    for level in (
        [t for t in territories if code and code in t.zips],
        [t for t in territories if state_id and state_id in t.state_ids],
        [t for t in territories if country_id and country_id in t.country_ids],
    ):
        if len(level) == 1:
            return level[0].id
        if len(level) > 1:
            return None
    return None


def pick_team(territory_id: int | None, teams_by_territory: Mapping[int, Counter]) -> int | None:
    """The field-service team most of the territory's sites already have."""
    counts = teams_by_territory.get(territory_id) if territory_id else None
    if not counts:
        return None
    (team, n), *rest = counts.most_common(2) + [(None, 0)]
    return team if n > rest[0][1] else None


@dataclass(frozen=True)
class ProjectCandidate:
    id: int
    name: str
    partner_id: int


def pick_project(
    system: VendorSystem, partner_id: int | None, projects: Sequence[ProjectCandidate]
) -> int | None:
    """The customer's installation project: the one naming the system's
    vendor id or name, else the customer's only project; None otherwise."""
    if not partner_id:
        return None
    own = [p for p in projects if p.partner_id == partner_id]
    folded_name = _fold(system.name)
    naming = [
        p
        for p in own
        if re.search(rf"\b{re.escape(system.vendor_ref)}\b", p.name)
        or (folded_name and folded_name in _fold(p.name))
    ]
    if len(naming) == 1:
        return naming[0].id
    return own[0].id if len(own) == 1 else None


# ---------------------------------------------------------------- devices over time


@dataclass(frozen=True)
class KnownDevice:
    serial: str
    kind: str
    parent_serial: str = ""


@dataclass(frozen=True)
class DeviceChanges:
    # (old serial, new device): a device of the same kind and parent took its place
    replaced: tuple[tuple[str, VendorDevice], ...] = ()
    added: tuple[VendorDevice, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.replaced or self.added or self.removed)


def device_changes(ours: Sequence[KnownDevice], theirs: Sequence[VendorDevice]) -> DeviceChanges:
    """What changed between a site's devices in service and the vendor's
    list: a serial that left and one that came, of the same kind under the
    same parent, is a replacement (paired in serial order); what is left
    over was added or removed."""
    mine = {d.serial: d for d in ours}
    listed = {d.serial: d for d in theirs}
    left = [mine[s] for s in sorted(set(mine) - set(listed))]
    came = [listed[s] for s in sorted(set(listed) - set(mine))]
    replaced, added = [], []
    pool = defaultdict(list)
    for old in left:
        pool[(old.kind, old.parent_serial)].append(old.serial)
    for new in came:
        slot = pool.get((new.kind, new.parent_serial)) or pool.get((new.kind, "*"))
        if not slot:
            # a parent we do not know of (or none): any device of the kind
            slot = next((v for (k, _p), v in pool.items() if k == new.kind and v), None)
        if slot:
            replaced.append((slot.pop(0), new))
        else:
            added.append(new)
    removed = sorted(s for v in pool.values() for s in v)
    return DeviceChanges(tuple(replaced), tuple(added), tuple(removed))


__all__ = [
    "Candidate",
    "CustomerIndex",
    "DeviceChanges",
    "Discovery",
    "KnownDevice",
    "Match",
    "MatchRule",
    "OnboardingError",
    "ProjectCandidate",
    "SitePlan",
    "SystemState",
    "Territory",
    "VendorDevice",
    "VendorSystem",
    "device_changes",
    "match_customer",
    "match_customers",
    "normalise_systems",
    "pick_project",
    "pick_team",
    "pick_territory",
    "site_plan",
    "sort_systems",
]
