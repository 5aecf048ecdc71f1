"""Login, role start pages and the applicant's own municipality (object permissions)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from grants.models import Affiliation, CostType, ProgrammeYear
from grants.services import ACT_FOR_MUNICIPALITY, affiliation_delete
from tests.conftest import PASSWORD


def test_anonymous_visitor_is_sent_to_the_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_german_and_accessible(client, db):
    response = client.get(reverse("login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de"' in content
    assert "Anmelden" in content
    assert 'for="id_login"' in content
    assert 'for="id_password"' in content


def test_wrong_password_gives_a_german_message_and_keeps_the_name(client, applicant):
    response = client.post(reverse("login"), {"login": "antrag", "password": "falsch"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "E-Mail-Adresse, Benutzername oder Passwort stimmen nicht. Bitte prüfen Sie Ihre Eingabe" in content
    assert 'value="antrag"' in content


def test_login_leads_each_role_to_its_start_page(client, applicant, clerk, approver, controller, admin_user):
    expected = {
        applicant: reverse("applicant_home"),
        clerk: reverse("worklist"),
        approver: reverse("worklist"),
        controller: reverse("reports_home"),
        admin_user: reverse("admin:index"),
    }
    for user, target in expected.items():
        client.logout()
        response = client.post(reverse("login"), {"login": user.username, "password": PASSWORD}, follow=True)
        assert response.redirect_chain[-1][0] == target or response.redirect_chain[-2][0] == target, user.username
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "url_name", "status"),
    [
        ("applicant", "applicant_home", 200),
        ("applicant", "worklist", 403),
        ("applicant", "reports_home", 403),
        ("clerk", "worklist", 200),
        ("clerk", "applicant_home", 403),
        ("clerk", "reports_home", 403),
        ("approver", "worklist", 200),
        ("controller", "reports_home", 200),
        ("controller", "worklist", 403),
        ("controller", "my_municipalities", 403),
    ],
)
def test_start_pages_per_role(request, client_for, persona, url_name, status, programme_year):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse(url_name)).status_code == status


def test_start_page_headings(client_for, applicant, clerk, controller, programme_year):
    assert "Meine Anträge" in client_for(applicant).get(reverse("applicant_home")).content.decode()
    assert "5.000,00" in client_for(applicant).get(reverse("applicant_home")).content.decode()
    assert "Arbeitskorb" in client_for(clerk).get(reverse("worklist"), follow=True).content.decode()
    assert "Berichte" in client_for(controller).get(reverse("reports_home")).content.decode()


def test_navigation_shows_only_the_roles_items(client_for, applicant, clerk):
    content = client_for(applicant).get(reverse("applicant_home")).content.decode()
    assert reverse("applicant_home") in content
    assert reverse("worklist") not in content
    content = client_for(clerk).get(reverse("worklist")).content.decode()
    assert reverse("applicant_home") not in content


def test_applicant_sees_own_municipality(client_for, applicant, gardelegen, active_members, structural_c):
    response = client_for(applicant).get(reverse("municipality_detail", args=[gardelegen.ags]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Gardelegen, Hansestadt" in content
    assert "15081135" in content
    assert "aktiv" in content
    assert "GRW-Fördergebiet C" in content


def test_my_municipality_redirects_to_the_only_one(client_for, applicant, gardelegen):
    response = client_for(applicant).get(reverse("my_municipalities"))
    assert response.status_code == 302
    assert response["Location"] == reverse("municipality_detail", args=[gardelegen.ags])


def test_foreign_municipality_is_not_found(client_for, applicant, foreign_applicant, bindlach):
    assert client_for(applicant).get(reverse("municipality_detail", args=[bindlach.ags])).status_code == 404
    assert client_for(applicant).get(reverse("municipality_detail", args=["99999999"])).status_code == 404


def test_ending_an_affiliation_takes_back_the_permission(client_for, applicant, gardelegen):
    assert applicant.has_perm(ACT_FOR_MUNICIPALITY, gardelegen)
    affiliation_delete(user=applicant, municipality=gardelegen)
    applicant = type(applicant).objects.get(pk=applicant.pk)  # drop the permission cache
    assert not applicant.has_perm(ACT_FOR_MUNICIPALITY, gardelegen)
    assert client_for(applicant).get(reverse("municipality_detail", args=[gardelegen.ags])).status_code == 404


def test_password_reset_sends_a_german_mail_with_a_working_link(client, applicant):
    response = client.post(reverse("password_reset"), {"email": "antrag@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Passwort" in message.subject
    link = next(line for line in message.body.splitlines() if "/konto/passwort/neu/" in line).strip()
    path = link[link.index("/konto/") :]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": "Neues-Passwort-2026", "password2": "Neues-Passwort-2026"},
    )
    assert response.status_code == 302
    assert client.login(username="antrag", password="Neues-Passwort-2026")


def test_logout_by_post(client_for, applicant):
    client = client_for(applicant)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("applicant_home")).status_code == 302


def test_admin_affiliation_grants_the_object_permission(client_for, admin_user, clerk, gardelegen):
    client = client_for(admin_user)
    response = client.post(reverse("admin:grants_affiliation_add"), {"user": clerk.pk, "municipality": gardelegen.pk})
    assert response.status_code == 302
    assert Affiliation.objects.filter(user=clerk, municipality=gardelegen).exists()
    assert type(clerk).objects.get(pk=clerk.pk).has_perm(ACT_FOR_MUNICIPALITY, gardelegen)


def test_admin_pages_for_programme_rules_load(client_for, admin_user, programme_year):
    client = client_for(admin_user)
    assert client.get(reverse("admin:grants_programmeyear_change", args=[programme_year.pk])).status_code == 200
    assert client.get(reverse("admin:grants_municipality_changelist")).status_code == 200
    assert client.get(reverse("admin:grants_membershipstatus_changelist")).status_code == 200


def test_admin_refuses_an_invalid_programme_year_with_german_errors(client_for, admin_user, programme_year):
    response = client_for(admin_user).post(
        reverse("admin:grants_programmeyear_add"),
        {
            "year": "2030",
            "rule_set_version": "1",
            "cap_per_municipality": "5000,00",
            "budget": "100,00",
            "max_day_rate": "850,00",
            "eligible_cost_types": [],
            "application_deadline": "30.09.2031",
            "invoice_deadline": "15.12.2030",
            "payout_window_start": "01.01.2030",
            "payout_window_end": "15.12.2030",
            "proof_of_use_months": "3",
            "legal_texts-TOTAL_FORMS": "0",
            "legal_texts-INITIAL_FORMS": "0",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "mindestens den Höchstbetrag" in content
    assert "Die Antragsfrist muss im Programmjahr liegen" in content


def test_admin_accepts_german_amounts_for_a_programme_year(client_for, admin_user, programme_year):
    data = {
        "year": "2030",
        "rule_set_version": "2030.1",
        "cap_per_municipality": "5.000,00",
        "budget": "250.000,00",
        "max_day_rate": "850,00",
        "eligible_cost_types": [cost_type.pk for cost_type in CostType.objects.all()],
        "application_deadline": "30.09.2030",
        "invoice_deadline": "15.12.2030",
        "payout_window_start": "01.01.2030",
        "payout_window_end": "15.12.2030",
        "proof_of_use_months": "3",
        "legal_texts-TOTAL_FORMS": "0",
        "legal_texts-INITIAL_FORMS": "0",
    }
    response = client_for(admin_user).post(reverse("admin:grants_programmeyear_add"), data)
    assert response.status_code == 302
    year = ProgrammeYear.objects.get(year=2030)
    assert year.budget == Decimal("250000.00")


def test_german_even_for_an_english_browser_until_english_is_chosen(client, db):
    response = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="de"' in response.content.decode()
    assert "Passwort vergessen?" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(reverse("login"))
    assert '<html lang="en"' in response.content.decode()


def test_only_the_closest_navigation_item_is_current(client_for, clerk):
    response = client_for(clerk).get(reverse("proof_office_list"))
    current = [item["label"] for item in response.context["nav_items"] if item["active"]]
    assert [str(label) for label in current] == ["Verwendungsnachweise"]
    assert response.content.decode().count('aria-current="page"') == 1


def test_admin_shows_money_records_read_only(client_for, admin_user):
    client = client_for(admin_user)
    for model in ("budgets/ledgerentry", "budgets/payout", "budgets/refundclaim", "grants/application"):
        assert client.get(f"/admin/{model}/").status_code == 200
        assert client.get(f"/admin/{model}/add/").status_code == 403
