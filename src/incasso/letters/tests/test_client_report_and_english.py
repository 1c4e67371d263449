"""The progress report goes to the client, not the debtor; English letters are English to the footer."""

from __future__ import annotations

import pytest

from incasso.letters.selectors import NoAddress, client_addressee
from incasso.letters.services import letter_compose, letter_render
from incasso.letters.tests.conftest import LETTER_DAY
from incasso.letters.tests.test_render import pdf_text


def _words(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def test_progress_report_is_addressed_to_the_clients_contact_and_reads_as_a_report(zorg_letter_case):
    zorg_letter_case.client_reference = "ZN/2025/4471"
    zorg_letter_case.save(update_fields=["client_reference"])
    data, *_ = letter_compose(
        case=zorg_letter_case, template_code="client_progress_report", language="nl", on=LETTER_DAY
    )
    assert data.addressee.name == "Zorggroep Noord"
    assert data.addressee.address_lines == ("t.a.v. A. Jansen", "Postbus 500")
    assert (data.addressee.postcode, data.addressee.city) == ("9700 AM", "Groningen")
    assert data.salutation == "Geachte heer, mevrouw,"
    assert data.letterhead.client_name == ""  # not "namens Zorggroep Noord" to Zorggroep Noord itself
    assert data.to_client and not data.payment_box
    text = _words(
        letter_render(
            case=zorg_letter_case, template_code="client_progress_report", language="nl", on=LETTER_DAY
        ).pdf
    )
    assert "Zorggroep Noord t.a.v. A. Jansen Postbus 500 9700 AM GRONINGEN" in text
    assert "Dit is onze rapportage over het dossier dat u ons uit handen heeft gegeven" in text
    assert "Totaal openstaand" in text and "Totaal te betalen" not in text
    assert "Uw kenmerk" in text and "namens" not in text


def test_debtor_letters_still_go_to_the_debtor(zorg_letter_case):
    data, *_ = letter_compose(case=zorg_letter_case, template_code="summons", language="nl", on=LETTER_DAY)
    assert data.addressee.name == zorg_letter_case.debtor.display_name
    assert not data.to_client


@pytest.mark.parametrize(
    "letterhead_text", ["", "Zorggroep Noord\nPostbus 500", "Zorggroep Noord\n9700 AM Groningen"]
)
def test_a_client_without_a_postal_address_gets_no_report_by_post(zorg_letter_case, letterhead_text):
    client = zorg_letter_case.client
    client.letterhead_text = letterhead_text
    client.save(update_fields=["letterhead_text"])
    with pytest.raises(NoAddress):
        client_addressee(client=client, language="nl")
    with pytest.raises(NoAddress):
        letter_compose(
            case=zorg_letter_case, template_code="client_progress_report", language="nl", on=LETTER_DAY
        )


def test_english_letter_has_english_return_address_complaint_line_and_footer(zorg_letter_case):
    text = _words(
        letter_render(case=zorg_letter_case, template_code="summons", language="en", on=LETTER_DAY).pdf
    )
    assert "Return address: Postbus 1234, 3500 BE Utrecht" in text
    assert "A complaint? Read on noordhoekincasso.nl/complaints how to file it." in text
    assert "CoC 87654321" in text and "Wki registration 2024-000123" in text
    for dutch in ("Retouradres", "Een klacht", "KvK 87654321", "Wki-registratie", "Pagina"):
        assert dutch not in text


def test_english_return_address_of_its_own_wins_and_dutch_stays_dutch(zorg_letter_case, letterhead):
    letterhead.return_address_en = "Return to: PO Box 1234, 3500 BE Utrecht, the Netherlands"
    letterhead.complaint_line_en = ""
    letterhead.save()
    en, *_ = letter_compose(case=zorg_letter_case, template_code="summons", language="en", on=LETTER_DAY)
    nl, *_ = letter_compose(case=zorg_letter_case, template_code="summons", language="nl", on=LETTER_DAY)
    assert en.letterhead.return_address == "Return to: PO Box 1234, 3500 BE Utrecht, the Netherlands"
    assert en.letterhead.complaint_line == letterhead.complaint_line  # no English text: the Dutch one
    assert nl.letterhead.return_address == "Retouradres: Postbus 1234, 3500 BE Utrecht"
