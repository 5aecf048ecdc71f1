"""Imports of the municipality directory, structural status and memberships."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from grants.errors import GrantsError
from grants.imports import memberships_import, municipalities_import, structural_status_import
from grants.models import Kreis, Land, MembershipStatus, Municipality, StructuralStatus

DIRECTORY = Path(settings.BASE_DIR) / "fixtures" / "gv-auszug-destatis.csv"
HEADER = DIRECTORY.read_text(encoding="utf-8-sig").splitlines()[0]


def write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


@pytest.fixture
def small_directory(tmp_path):
    return write(
        tmp_path,
        "gv.csv",
        "\n".join(
            [
                HEADER,
                "10,,15,,,,,Sachsen-Anhalt,,,,,,,,,,,,",
                "40,44,15,0,81,,,Altmarkkreis Salzwedel,,,,,,,,,,,,",
                '50,50,15,0,81,0135,,"Gardelegen, Hansestadt",,,,,,,,,,,,',
                '60,63,15,0,81,0135,135,"Gardelegen, Hansestadt", 632.75, 22 353, 11 000, 11 353,  35,39638,'
                '"11,39","52,52",,,03,gering besiedelt',
                '60,63,15,0,81,0455,455,"Salzwedel, Hansestadt", 304.58, 23 731, 11 612, 12 119,  78,29410,'
                '"11,15","52,85",,,03,gering besiedelt',
            ]
        )
        + "\n",
        bom=True,
    )


@pytest.mark.django_db
def test_full_directory_imports_every_land_kreis_and_gemeinde():
    report = municipalities_import(path=DIRECTORY)

    assert report.errors == []
    assert Land.objects.count() == 16
    assert Kreis.objects.count() == 401
    assert Municipality.objects.count() == 11004
    flensburg = Municipality.objects.select_related("kreis", "land").get(ags="01001000")
    assert flensburg.name == "Flensburg, Stadt"
    assert flensburg.kind == Municipality.Kind.KREISFREIE_STADT
    assert flensburg.population == 90164
    assert flensburg.area_km2 == Decimal("53.02")
    assert flensburg.postcode == "24937"
    assert flensburg.kreis.ags == "01001"
    assert flensburg.land.name == "Schleswig-Holstein"
    assert Kreis.objects.get(ags="01051").kind == Kreis.Kind.KREIS
    assert Municipality.objects.get(ags="15081135").kreis.name == "Altmarkkreis Salzwedel"
    # Areas belonging to no Kreis (coastal waters) are imported without one.
    assert Municipality.objects.get(ags="13000999").kreis is None
    # The centre points for the controllers' map, written "9,43751" in the file.
    assert (flensburg.longitude, flensburg.latitude) == (Decimal("9.437510"), Decimal("54.782520"))
    # Every Gemeinde has one, except the areas Destatis gives none ("0"/"0" or empty).
    without = Municipality.objects.filter(longitude__isnull=True)
    assert sorted(without.values_list("ags", flat=True)) == ["07000999", "10042999", "13000999"]
    assert not Municipality.objects.filter(longitude__isnull=False, latitude__isnull=True).exists()


@pytest.mark.django_db
def test_reimport_updates_and_never_duplicates(small_directory, tmp_path):
    first = municipalities_import(path=small_directory)
    assert first.created == {"Länder": 1, "Kreise": 1, "Gemeinden": 2}

    again = municipalities_import(path=small_directory)
    assert again.created == {"Länder": 0, "Kreise": 0, "Gemeinden": 0}
    assert again.updated == {"Länder": 0, "Kreise": 0, "Gemeinden": 0}
    assert again.unchanged == {"Länder": 1, "Kreise": 1, "Gemeinden": 2}

    renamed = write(
        tmp_path, "gv2.csv", small_directory.read_text(encoding="utf-8-sig").replace("22 353", "22 400"), bom=True
    )
    changed = municipalities_import(path=renamed)
    assert changed.updated["Gemeinden"] == 1
    assert Municipality.objects.count() == 2
    assert Municipality.objects.get(ags="15081135").population == 22400


@pytest.mark.django_db
def test_malformed_lines_are_reported_with_their_number_and_the_rest_imports(tmp_path):
    path = write(
        tmp_path,
        "gv.csv",
        "\n".join(
            [
                HEADER,
                "10,,15,,,,,Sachsen-Anhalt,,,,,,,,,,,,",  # line 2
                "40,44,15,0,81,,,Altmarkkreis Salzwedel,,,,,,,,,,,,",  # line 3
                "60,63,15,0,81,0135,135,Gardelegen, 632.75, 22 353,,,,39638,,,,,,",  # line 4 ok
                "60,63,15,0,81,0455,45,Salzwedel, 304.58, 23 731,,,,29410,,,,,,",  # line 5 bad key
                "60,63,15,0,81,0030,030,Arendsee, 269.69, viele,,,,39619,,,,,,",  # line 6 bad population
                "60,63,15,0,81",  # line 7 too short
                "99,,15,,,,,Unsinn,,,,,,,,,,,,",  # line 8 unknown record type
                "60,99,15,0,81,0280,280,Klötze, 278.44, 9 800,,,,38486,,,,,,",  # line 9 unknown kind
                "60,63,15,0,81,0240,240,Kalbe, 272.84, 7 500,,,,3948,,,,,,",  # line 10 bad postcode
                "60,63,15,0,81,0999,999,, 1.00, 1,,,,,,,,,,",  # line 11 no name
            ]
        )
        + "\n",
    )

    report = municipalities_import(path=path)

    assert [error.line for error in report.errors] == [5, 6, 7, 8, 9, 10, 11]
    assert "Gemeindeschlüssel" in report.errors[0].message
    assert "Einwohnerzahl" in report.errors[1].message
    assert "Spalten" in report.errors[2].message
    assert str(report.errors[0]).startswith("Zeile 5:")
    assert list(Municipality.objects.values_list("ags", flat=True)) == ["15081135"]


@pytest.mark.django_db
def test_coordinates_are_read_updated_on_reimport_and_malformed_ones_reported(small_directory, tmp_path):
    municipalities_import(path=small_directory)
    gardelegen = Municipality.objects.get(ags="15081135")
    assert (gardelegen.longitude, gardelegen.latitude) == (Decimal("11.39"), Decimal("52.52"))

    # A corrected centre point is an update like any other column; nothing is duplicated.
    moved = write(
        tmp_path, "gv2.csv", small_directory.read_text(encoding="utf-8-sig").replace('"11,39"', '"11,391234"')
    )
    report = municipalities_import(path=moved)
    assert report.updated["Gemeinden"] == 1
    assert report.unchanged["Gemeinden"] == 1
    assert Municipality.objects.get(ags="15081135").longitude == Decimal("11.391234")

    lines = [
        HEADER,
        "10,,15,,,,,Sachsen-Anhalt,,,,,,,,,,,,",
        "40,44,15,0,81,,,Altmarkkreis Salzwedel,,,,,,,,,,,,",
        '60,63,15,0,81,0135,135,Gardelegen, 632.75, 22 353,,,,39638,"elf","52,52",,,,',  # line 4
        '60,63,15,0,81,0455,455,Salzwedel, 304.58, 23 731,,,,29410,"11,15","152,85",,,,',  # line 5
        '60,63,15,0,81,0030,030,Arendsee, 269.69, 2 500,,,,39619,"11,49",,,,,',  # line 6
        '60,63,15,0,81,0280,280,Klötze, 278.44, 9 800,,,,38486,"NaN","52,63",,,,',  # line 7
        '60,63,15,0,81,0240,240,Kalbe, 272.84, 7 500,,,,39624,"11,38","52,65",,,,',  # line 8 ok
    ]
    broken = write(tmp_path, "gv3.csv", "\n".join(lines) + "\n")
    report = municipalities_import(path=broken)

    assert [(error.line, error.message) for error in report.errors] == [
        (4, "Längengrad »elf« ist keine Zahl."),
        (5, "Breitengrad »152,85« liegt nicht zwischen −90 und 90 Grad."),
        (6, "Längen- und Breitengrad stehen nur zusammen: einer der beiden fehlt."),
        (7, "Längengrad »NaN« ist keine Zahl."),
    ]
    # The bad lines change nothing; the good one is imported with its point.
    assert Municipality.objects.get(ags="15081135").longitude == Decimal("11.391234")
    kalbe = Municipality.objects.get(ags="15081240")
    assert (kalbe.longitude, kalbe.latitude) == (Decimal("11.38"), Decimal("52.65"))
    assert not Municipality.objects.filter(ags__in=["15081030", "15081280"]).exists()


@pytest.mark.django_db
def test_file_without_the_expected_header_is_refused(tmp_path):
    path = write(tmp_path, "falsch.csv", "ags;name\n01001000;Flensburg\n")
    with pytest.raises(GrantsError, match="fehlen die Spalten"):
        municipalities_import(path=path)
    with pytest.raises(GrantsError, match="kann nicht gelesen werden"):
        municipalities_import(path=tmp_path / "gibt-es-nicht.csv")


@pytest.mark.django_db
def test_import_command_prints_summary_and_errors(small_directory, tmp_path):
    out, err = StringIO(), StringIO()
    call_command("import_municipalities", str(small_directory), stdout=out, stderr=err)
    assert "Gemeinden: 2 (2 neu, 0 geändert, 0 unverändert)" in out.getvalue()
    assert err.getvalue() == ""

    with pytest.raises(CommandError, match="fehlen die Spalten"):
        call_command("import_municipalities", str(write(tmp_path, "x.csv", "a,b\n1,2\n")), stdout=out, stderr=err)


@pytest.mark.django_db
def test_full_import_uses_bulk_queries(django_assert_max_num_queries):
    # Batches, not one query per row: SQLite's parameter limit allows about 110 rows
    # per INSERT (about 100 statements for 11,004 rows), PostgreSQL a handful.
    with django_assert_max_num_queries(150):
        municipalities_import(path=DIRECTORY)


# --- structural status ---------------------------------------------------------


def test_structural_status_import_with_override_and_errors(tmp_path, gardelegen, bindlach, kreis_bayreuth):
    path = write(
        tmp_path,
        "grw.csv",
        "kreis_ags,status,source,valid_from,valid_to\n"
        "15081,C,GRW-Karte 2022,2022-01-01,2027-12-31\n"
        "09472,D,GRW-Karte 2022,01.01.2022,31.12.2027\n"
        "09472119,keine,Einzelfall,2022-01-01,\n"
        "99999,C,x,2022-01-01,\n"  # line 5: unknown Kreis
        "15081,E,x,2022-01-01,\n"  # line 6: unknown status
        "15081,C,x,2028-01-01,2027-01-01\n"  # line 7: period reversed
        "15081,C,,2028-01-01,\n"  # line 8: no source
        "15081,C,x,morgen,\n",  # line 9: no date
    )

    report = structural_status_import(path=path)

    assert [error.line for error in report.errors] == [5, 6, 7, 8, 9]
    assert report.created == {"Strukturstatus": 3}
    override = StructuralStatus.objects.get(municipality=bindlach)
    assert override.status == StructuralStatus.Status.NONE
    assert override.valid_to is None
    assert StructuralStatus.objects.get(kreis=kreis_bayreuth).valid_to == datetime.date(2027, 12, 31)

    again = structural_status_import(path=path)
    assert again.created == {"Strukturstatus": 0}
    assert again.unchanged == {"Strukturstatus": 3}
    assert StructuralStatus.objects.count() == 3


def test_demo_classification_is_marked_as_example_data(db):
    municipalities_import(path=DIRECTORY)
    structural_status_import(path=Path(settings.BASE_DIR) / "fixtures" / "grw-status-beispiel.csv")
    assert StructuralStatus.objects.exists()
    assert all("BEISPIEL" in source for source in StructuralStatus.objects.values_list("source", flat=True))


# --- memberships ------------------------------------------------------------------


def test_membership_import_accepts_platform_export_and_is_idempotent(tmp_path, gardelegen, bindlach):
    path = write(
        tmp_path,
        "mitglieder.csv",
        "AGS,Status,Since\n"
        "15081135,beantragt,2023-11-01\n"
        "15081135,aktiv,01.01.2024\n"
        "09472119,active,2024-01-01\n"
        "09472119,ruhend,2026-07-01\n"
        "1234567,aktiv,2024-01-01\n"  # line 6: short AGS
        "15081455,aktiv,2024-01-01\n"  # line 7: unknown municipality
        "15081135,Ehrenmitglied,2024-01-01\n",  # line 8: unknown status
    )

    report = memberships_import(path=path)

    assert [error.line for error in report.errors] == [6, 7, 8]
    assert MembershipStatus.objects.count() == 4
    assert memberships_import(path=path).unchanged == {"Mitgliedschaften": 4}
    assert MembershipStatus.objects.count() == 4
