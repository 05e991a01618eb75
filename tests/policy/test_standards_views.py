"""The standards page: everyone signed in reads it; administrators load and activate tables."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.conftest import client_for
from waishi.policy.models import PerDiemTableVersion
from waishi.policy.selectors import active_version

URL = reverse("policy:standards")
HEADER = "seq,continent,country,cities,currency,lodging_cap,meals,incidentals\n"


def upload(text: str, name: str = "update.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_liaison_sees_the_table_in_force_but_no_upload_form(liaison_client):
    response = liaison_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "516/434, 2019 reproduction" in html
    assert "首尔、釜山、济州" in html and "伊斯兰堡" in html and "Seoul; Busan" in html
    assert 'enctype="multipart/form-data"' not in html
    assert reverse("policy:standards_import") not in html


def test_a_liaison_may_not_load_a_table(liaison_client):
    text = HEADER + "1,亚洲,蒙古,,美元,95,50,35\n"
    response = liaison_client.post(
        reverse("policy:standards_import"), {"file": upload(text), "label": "mine"}
    )
    assert response.status_code == 403
    assert PerDiemTableVersion.objects.count() == 1


def standards_table(client, **params) -> str:
    """The HTML of the standards table alone (the filter's select lists every country)."""
    html = client.get(URL, params).content.decode()
    return html[html.index('<table class="table">') : html.index("</table>")]


def test_the_table_is_filtered_by_country_and_searched_by_english_city_name(liaison_client):
    table = standards_table(liaison_client, country="DE")
    assert "慕尼黑" in table and "首尔" not in table
    table = standards_table(liaison_client, q="Hamburg")
    assert "柏林、汉堡" in table and "慕尼黑" not in table
    table = standards_table(liaison_client, q="Germany")
    assert "慕尼黑" in table and "首尔" not in table
    table = standards_table(liaison_client, continent="非洲")
    assert "马达加斯加" in table and "德国" not in table


def test_the_country_filter_lists_country_names_from_django_countries(liaison_client):
    with translation.override("en"):
        html = liaison_client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="DE">Germany (DE)</option>' in html


def test_an_administrator_loads_a_newer_table_from_the_page(admin_user):
    text = HEADER + "1,亚洲,蒙古,,美元,95,50,35\n"
    client = client_for(admin_user)
    response = client.post(
        reverse("policy:standards_import"),
        {"file": upload(text), "label": "2026 update", "activate": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == URL
    assert active_version().label == "2026 update"
    html = response.content.decode()
    assert "2026 update" in html and "伊斯兰堡" not in html


def test_an_invalid_upload_shows_the_line_in_the_users_language_and_saves_nothing(admin_user):
    text = HEADER + "1,亚洲,蒙古,,美元,95,50,35\n2,亚洲,乌托邦,,美元,90,50,35\n"
    client = client_for(admin_user)
    response = client.post(
        reverse("policy:standards_import"),
        {"file": upload(text), "label": "broken", "activate": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Line 3: unknown country or region “乌托邦”." in response.content.decode()
    assert PerDiemTableVersion.objects.count() == 1


def test_an_upload_that_is_not_csv_is_refused(admin_user):
    response = client_for(admin_user).post(
        reverse("policy:standards_import"),
        {"file": upload("x", name="table.xlsx"), "label": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Upload the table as a .csv file." in response.content.decode()
    assert PerDiemTableVersion.objects.count() == 1


def test_an_administrator_puts_an_older_version_back_in_force(admin_user):
    shipped = active_version()
    client = client_for(admin_user)
    client.post(
        reverse("policy:standards_import"),
        {"file": upload(HEADER + "1,亚洲,蒙古,,美元,95,50,35\n"), "label": "new", "activate": "on"},
    )
    assert active_version() != shipped
    html = client.get(URL).content.decode()
    assert reverse("policy:version_activate", args=[shipped.pk]) in html
    client.post(reverse("policy:version_activate", args=[shipped.pk]))
    assert active_version() == shipped


def test_activation_is_refused_to_a_liaison_and_on_get(liaison_client, admin_user):
    shipped = active_version()
    url = reverse("policy:version_activate", args=[shipped.pk])
    assert liaison_client.post(url).status_code == 403
    assert client_for(admin_user).get(url).status_code == 405


def test_the_table_in_force_exports_to_excel(liaison_client):
    response = liaison_client.get(reverse("policy:standards_export"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Continent", "Country or region", "Code", "Cities")
    assert len(rows) == 1 + 273
    assert ("亚洲", "韩国", "KR", "首尔、釜山、济州", "USD", 180, 70, 35) in rows


def test_the_excel_export_follows_the_filters(liaison_client):
    response = liaison_client.get(
        reverse("policy:standards_export"), {"country": "JP"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert [row[3] for row in rows[1:]] == [
        "东京",
        "大阪、京都",
        "福冈、札幌、长崎、名古屋",
        "新泻",
        "Other cities",
    ]
