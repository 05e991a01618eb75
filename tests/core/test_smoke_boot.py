from django.urls import reverse

from tests.conftest import client_for


def test_dashboard_redirects_anonymous_visitor_to_login(client, db):
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signed_in_liaison_sees_navigation_of_every_module(liaison):
    response = client_for(liaison).get(reverse("core:coming", args=["visits"]))
    assert response.status_code == 200
    assert "入境来访" in response.content.decode() or "Inbound" in response.content.decode()
