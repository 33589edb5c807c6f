"""socle.redact, socle.Redactor (one text and batches), the NIR and the generalisation helpers."""

from __future__ import annotations

import datetime

import pytest

import socle

KNOWN = """\
name Martin
first_name Rose
phone 06 12 34 56 78
person
first_name Lucas
name Martin
"""
NIR_BODY = "2840575123456"


def valid_nir() -> str:
    return "{} {} {} {} {} {} {:02d}".format(NIR_BODY[0], NIR_BODY[1:3], NIR_BODY[3:5],
                                             NIR_BODY[5:7], NIR_BODY[7:10], NIR_BODY[10:13],
                                             socle.nir_key(NIR_BODY))


def test_redact_known_identities_and_shapes() -> None:
    known = [socle.KnownIdentity("name", "Martin", 1), ("first_name", "Rose", 1),
             (socle.IdentityKind.PHONE, "0612345678", 1)]
    text = (f"Mme ROSE martin (tél. 06.12.34.56.78, NIR {valid_nir()}) écrit depuis "
            "rose.m@example.fr.")
    redacted = socle.redact(text, known=known)
    assert redacted == "Mme [PERSONNE-1] (tél. [TÉLÉPHONE], NIR [NIR]) écrit depuis [EMAIL]."
    assert "Martin" not in redacted and "06" not in redacted


def test_redactor_reports_counts_and_batches() -> None:
    redactor = socle.Redactor.create_from_text(KNOWN)  # the text format of `socle redact --known`
    one = redactor.redact("Rose Martin et son fils Lucas Martin")
    assert str(one) == one.text == "[PERSONNE-1] et son fils [PERSONNE-2]"
    assert one.counts[socle.RedactionType.PERSON] == 2 and sum(one.counts.values()) == 2
    texts = ["Lucas Martin", "rien à signaler", "", "Rose au 06 12 34 56 78",
             "IBAN FR76 3000 6000 0112 3456 7890 189"]
    out, counts = redactor.redact_batch(texts)
    assert out == ["[PERSONNE-1]", "rien à signaler", "", "[PERSONNE-1] au [TÉLÉPHONE]",
                   "IBAN [IBAN]"]
    assert out == [redactor.redact(t).text for t in texts]  # each numbered on its own
    assert counts[socle.RedactionType.PERSON] == 2 and counts[socle.RedactionType.IBAN] == 1
    assert redactor.redact_batch([]) == ([], {t: 0 for t in socle.RedactionType})
    assert socle.RedactionType.PHONE.placeholder == "TÉLÉPHONE"


def test_options() -> None:
    text = "Une rose pour Rose Martin, 06 12 34 56 78"
    # Precise names by default: the flower stays, the person goes.
    assert socle.redact(text, known=KNOWN) == "Une rose pour [PERSONNE-1], [TÉLÉPHONE]"
    assert socle.redact("vu mme rose", known=KNOWN) == "vu mme [PERSONNE-1]"
    assert socle.redact(text, known=KNOWN, common_words_need_capital=True) == \
        socle.redact(text, known=KNOWN)
    # The aggressive mode, asked for explicitly.
    aggressive = socle.redact(text, known=KNOWN, common_words_need_capital=False)
    assert aggressive == "Une [PERSONNE-1] pour [PERSONNE-1], [TÉLÉPHONE]"
    without_phones = socle.Redactor.create(recognisers=socle.Recognise.ALL & ~socle.Recognise.PHONE)
    assert without_phones.redact("au 07 98 76 54 32").text == "au 07 98 76 54 32"


def test_bad_known_identities_never_echo_values() -> None:
    with pytest.raises(socle.ParseError) as raised:
        socle.Redactor.create_from_text("name Martin\nDupont-Secret\n")
    assert "Dupont-Secret" not in str(raised.value)
    with pytest.raises(socle.InvalidArgumentError) as raised:
        socle.Redactor.create([("nir", "12345 secret", 1)])
    assert "secret" not in str(raised.value)
    with pytest.raises(socle.InvalidArgumentError):
        socle.Redactor.create([("not_a_kind", "x")])


def test_nir() -> None:
    nir = valid_nir()
    assert socle.nir_check(nir) == (True, 0, 0)
    assert socle.nir_normalise(nir) == nir.replace(" ", "")
    wrong_key = nir[:-2] + "{:02d}".format(socle.nir_key(NIR_BODY) % 97 + 1)
    check = socle.nir_check(wrong_key)
    assert not check.valid and check.problem == socle._native.lib.SOCLE_NIR_BAD_KEY
    with pytest.raises(socle.InvalidArgumentError) as raised:
        socle.nir_normalise(wrong_key)
    assert wrong_key.replace(" ", "") not in str(raised.value)
    assert not socle.nir_check("12345").valid
    corsica = "184122A123456"  # Corse-du-Sud: 2A counts as 19 in the key
    key = socle.nir_key(corsica)
    assert socle.nir_normalise(f"1 84 12 2a 123 456 {key:02d}") == f"{corsica}{key:02d}"


def test_generalisation() -> None:
    assert socle.generalise_birth_year("1980-02-29") == 1980
    assert socle.generalise_age_band("1980-02-29", datetime.date(2024, 3, 1)) == (40, 44, "40-44")
    assert socle.generalise_age_band("1930-01-01", "2024-01-01", 10, 90) == (90, None, "90+")
    with pytest.raises(socle.OutOfRangeError):
        socle.generalise_age_band("2024-01-02", "2024-01-01")
    assert socle.generalise_date("2024-03-05") == "2024-03"
    assert socle.generalise_date(datetime.date(2024, 3, 5), "year") == "2024"
    assert socle.generalise_postcode("20000") == "2A"
    assert socle.generalise_postcode("97411") == "974"
    assert socle.generalise_insee_commune("2A004") == "2A"
    with pytest.raises(socle.NotFoundError):
        socle.generalise_insee_commune("99100")
    assert socle.generalise_amount(700, [500, 1000]) == (1, "[500, 1000)")
    assert socle.generalise_amount(100, [500, 1000])[0] == 0
    with pytest.raises(socle.InvalidArgumentError):
        socle.generalise_date("2024-03-05", "week")
