"""Loading and activating per-diem tables: new versions, old ones kept, audited, all or nothing."""

import io

import pytest
from django.core.exceptions import PermissionDenied

from waishi.core.audit import audit_verify
from waishi.core.models import AuditEvent
from waishi.policy.models import PerDiemStandard, PerDiemTableVersion
from waishi.policy.perdiem import PerDiemError, default_table
from waishi.policy.selectors import active_per_diem_table, active_standards, active_version
from waishi.policy.services import perdiem_table_activate, perdiem_table_import

HEADER = "seq,continent,country,cities,currency,lodging_cap,meals,incidentals\n"
NEWER_TABLE = (
    HEADER
    + "1,欧洲,德国,柏林、汉堡,欧元,175,65,40\n"
    + "2,欧洲,德国,其他城市,欧元,130,65,40\n"
    + "3,亚洲,韩国,,美元,190,70,35\n"
)


def newer_table() -> io.BytesIO:
    file = io.BytesIO(NEWER_TABLE.encode())
    file.name = "newer.csv"
    return file


def test_the_shipped_table_is_in_force_on_a_fresh_database(db):
    version = active_version()
    assert version.label == "516/434, 2019 reproduction"
    assert version.row_count == 273 == version.standards.count()
    seoul = active_standards(country="KR", q="首尔").get()
    assert (seoul.lodging, seoul.meals, seoul.incidentals, seoul.currency) == (180, 70, 35, "USD")
    assert "Seoul" in seoul.city_aliases


def test_an_administrator_loads_a_newer_table_which_comes_into_force(admin_user):
    shipped = active_version()
    version = perdiem_table_import(actor=admin_user, source=newer_table(), label="2026 update")
    assert active_version() == version
    assert (version.row_count, version.loaded_by, version.source) == (3, admin_user, "newer.csv")
    shipped.refresh_from_db()
    assert not shipped.is_active and shipped.standards.count() == 273
    assert active_per_diem_table().rate_for("DE", "Hamburg").lodging == 175
    assert active_per_diem_table().rate_for("KR", "Seoul").lodging == 190


def test_loading_and_activating_are_audited_on_the_chain(admin_user):
    version = perdiem_table_import(actor=admin_user, source=newer_table(), label="2026 update")
    events = AuditEvent.objects.filter(
        object_id=str(version.pk), object_type="policy.perdiemtableversion"
    )
    assert list(events.values_list("action", "actor_name")) == [
        ("perdiem_table.import", "admin"),
        ("perdiem_table.activate", "admin"),
    ]
    assert events.last().changes["replaces_label"] == "516/434, 2019 reproduction"
    assert audit_verify().ok


def test_an_invalid_file_saves_nothing(admin_user):
    broken = io.StringIO(NEWER_TABLE + "4,欧洲,乌托邦,,欧元,100,50,30\n")
    with pytest.raises(PerDiemError) as caught:
        perdiem_table_import(actor=admin_user, source=broken, label="broken")
    assert caught.value.line == 5
    assert PerDiemTableVersion.objects.count() == 1
    assert PerDiemStandard.objects.count() == 273
    assert not AuditEvent.objects.filter(action__startswith="perdiem_table").exists()


def test_a_table_can_be_loaded_without_coming_into_force(admin_user):
    version = perdiem_table_import(
        actor=admin_user, source=newer_table(), label="draft", activate=False
    )
    assert not version.is_active
    assert active_version().label == "516/434, 2019 reproduction"


def test_an_older_version_can_be_put_back_in_force(admin_user):
    shipped = active_version()
    newer = perdiem_table_import(actor=admin_user, source=newer_table(), label="2026 update")
    perdiem_table_activate(actor=admin_user, version=shipped)
    assert active_version() == shipped
    newer.refresh_from_db()
    assert not newer.is_active
    assert active_per_diem_table().rate_for("DE", "Hamburg").lodging == 150


def test_activating_the_table_in_force_records_nothing(admin_user):
    perdiem_table_activate(actor=admin_user, version=active_version())
    assert not AuditEvent.objects.filter(action="perdiem_table.activate").exists()


def test_only_an_administrator_may_load_or_activate(liaison, admin_user):
    with pytest.raises(PermissionDenied):
        perdiem_table_import(actor=liaison, source=newer_table(), label="mine")
    draft = perdiem_table_import(actor=admin_user, source=newer_table(), label="d", activate=False)
    with pytest.raises(PermissionDenied):
        perdiem_table_activate(actor=liaison, version=draft)
    assert PerDiemTableVersion.objects.filter(is_active=True).get() != draft


def test_the_table_in_force_is_read_back_exactly_as_loaded(db):
    assert active_per_diem_table().rows == default_table().rows
