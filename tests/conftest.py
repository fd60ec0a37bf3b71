import pytest

from solar_om_engine.simulator import Simulator, make_fleet


@pytest.fixture
def fleet():
    return make_fleet(30, seed=3)


@pytest.fixture
def sim(fleet):
    with Simulator(fleet) as server:
        yield server
