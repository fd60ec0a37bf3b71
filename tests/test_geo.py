import pytest

from solar_om_engine.geo import (
    GeoError,
    check_coordinates,
    check_timezone,
    distance_km,
    radius_cells,
)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (90.5, 0.0, "latitude must be between -90 and 90 degrees, got 90.5"),
        (-91, 0.0, "latitude must be between -90 and 90 degrees, got -91"),
        (0.0, 180.01, "longitude must be between -180 and 180 degrees, got 180.01"),
        (float("nan"), 0.0, "latitude must be a number"),
        ("48.1", 0.0, "latitude must be a number, got '48.1'"),
    ],
)
def test_bad_coordinates_name_the_value(lat, lon, message):
    with pytest.raises(GeoError, match=message.replace("(", r"\(").replace(".", r"\.")):
        check_coordinates(lat, lon)


def test_edges_and_missing_coordinates_are_valid():
    check_coordinates(90, -180)
    check_coordinates(-90, 180)
    check_coordinates(None, None)


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", " Europe/Berlin", "../etc/passwd", None])
def test_unknown_time_zone_is_refused(name):
    with pytest.raises(GeoError, match="is unknown: use an IANA name"):
        check_timezone(name)


def test_known_time_zones():
    for name in ("Europe/Berlin", "America/Phoenix", "Pacific/Kiritimati", "UTC"):
        check_timezone(name)


def test_distance_munich_augsburg_is_about_55_km():
    assert 50 < distance_km(48.137, 11.575, 48.371, 10.898) < 60


def test_points_a_radius_apart_east_west_are_in_touching_cells_far_north():
    # at 60 degrees a degree of longitude is 56 km: a grid a radius wide in
    # degrees of latitude would put two sites 99 km apart three cells apart
    cell = radius_cells([60.0, 60.0], 100.0)
    west, east = (60.0, 10.0), (60.0, 10.0 + 1.78)
    assert distance_km(*west, *east) < 100.0
    (_, a), (_, b) = cell(*west), cell(*east)
    assert abs(a - b) <= 1
