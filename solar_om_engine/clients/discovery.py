"""Discovery through any of the three clients: an account's systems,
normalised (`onboarding.VendorSystem`), and a site's devices
(`onboarding.VendorDevice`), guarded like a poll: what concerns one system
is that system's problem, what concerns the account (auth, quota, a retired
API, an outage) stops the pass and says what kind of stop it was.

The HTTP calls are each client's "discovery" section; their prices are
`costs.DISCOVERY`, their budget `planner.discovery_plan`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from .. import onboarding
from ..quota import QuotaExhausted
from .base import AuthError, BaseClient, GoneError, TransientError, VendorError, redact

_logger = logging.getLogger(__name__)


@dataclass
class DiscoveryResult:
    systems: list[onboarding.VendorSystem] = field(default_factory=list)
    # vendor id (or "item N") -> why that system could not be read
    problems: dict[str, str] = field(default_factory=dict)
    # the whole list was read (a partial one proves nothing about what is missing)
    complete: bool = False
    account_error: str = ""
    account_error_kind: str = ""
    calls: int = 0


@dataclass
class DevicesResult:
    # vendor id -> its devices
    devices: dict[str, list[onboarding.VendorDevice]] = field(default_factory=dict)
    # vendor id -> size in kWp read for it (Enphase's summary)
    capacity_kwp: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    account_error: str = ""
    account_error_kind: str = ""
    calls: int = 0


def _account_stop(client: BaseClient, result, err: Exception) -> None:
    result.account_error = redact(str(err), client._secrets())
    result.account_error_kind = client._error_kind(err)


def discover(client: BaseClient, pasted: list[str] | None = None) -> DiscoveryResult:
    """The account's systems: its list, or with `pasted` (APsystems'
    end-user profile, which lists nothing) the details of each pasted id."""
    result = DiscoveryResult()
    start = client.calls
    try:
        if pasted is not None:
            items = []
            for sid in pasted:
                try:
                    details = client.discovery_details(sid)
                except (AuthError, GoneError, QuotaExhausted):
                    raise
                except TransientError as err:
                    if "429" in str(err):
                        raise
                    result.problems[sid] = redact(str(err), client._secrets())
                    continue
                except VendorError as err:
                    result.problems[sid] = redact(str(err), client._secrets())
                    continue
                if details is None:
                    result.problems[sid] = f"{client.vendor}: system {sid} is not in the account"
                else:
                    items.append(details)
            complete = False  # pasted ids say nothing of the others
        else:
            items, complete = client.discovery_pages()
        systems, problems = onboarding.normalise_systems(client.vendor, items)
        result.systems = systems
        result.problems.update(problems)
        result.complete = complete
    except (QuotaExhausted, VendorError) as err:
        _account_stop(client, result, err)
    except Exception as err:  # noqa: BLE001 - a discovery must never raise
        _logger.exception("%s discovery failed", client.vendor)
        result.account_error = redact(
            f"{client.vendor}: unexpected {type(err).__name__}: {err}", client._secrets()
        )
        result.account_error_kind = "transient"
    result.calls = client.calls - start
    return result


def read_devices(client: BaseClient, refs: list[str], with_size: bool = False) -> DevicesResult:
    """The devices of each system of `refs` (and, `with_size`, Enphase's
    size from the summary). One system's error never stops the others; an
    account's stop (auth, quota) ends the pass, the systems read so far kept."""
    result = DevicesResult()
    start = client.calls
    reader = onboarding.DEVICE_READERS[client.vendor]
    for ref in refs:
        try:
            result.devices[ref] = reader(client.discovery_devices(ref))
            if with_size and hasattr(client, "discovery_size_kwp"):
                size = client.discovery_size_kwp(ref)
                if size:
                    result.capacity_kwp[ref] = size
        except (AuthError, GoneError, QuotaExhausted) as err:
            result.devices.pop(ref, None)
            _account_stop(client, result, err)
            break
        except TransientError as err:
            result.devices.pop(ref, None)
            if "429" in str(err):
                _account_stop(client, result, err)
                break
            result.errors[ref] = redact(str(err), client._secrets())
        except (VendorError, onboarding.OnboardingError) as err:
            result.devices.pop(ref, None)
            result.errors[ref] = redact(str(err), client._secrets())
        except (LookupError, AttributeError, TypeError, ValueError) as err:
            result.devices.pop(ref, None)
            result.errors[ref] = redact(
                f"{client.vendor}: system {ref}: unexpected answer ({type(err).__name__}: {err})",
                client._secrets(),
            )
    result.calls = client.calls - start
    return result
