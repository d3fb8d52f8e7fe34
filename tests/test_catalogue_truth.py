"""True and dated facts: what a user reads on the cards agrees with corrections-2026-12 (§1–2),
time-bound facts carry their dates, and an entry without sources or review date is refused."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.dialogue import Reply
from bot.render import HTML, PLAIN, entry_card, fact_lines
from matching import Engine, KnowledgeError, load_knowledge

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
RESEARCH_NOTES = re.compile(r"à confirmer|à vérifier|non documenté|non vérifié", re.IGNORECASE)


def _card(engine: Engine, entry_id: str, message: str = "") -> str:
    entry = engine.entry(entry_id)
    assert entry is not None
    answer = engine.ask(message) if message else None
    territory = answer.territory if answer else None
    reply = Reply("card", entry=entry, territory=territory, contacts=engine.contacts_for(entry_id, territory))
    return entry_card(entry, reply, PLAIN)


def _texts(engine: Engine) -> list[tuple[str, str]]:
    out = []
    for e in engine.entries:
        for text in (e.title, e.summary, e.description, e.next_steps, *(f.text for f in e.facts)):
            out.append((e.id, text))
    return out


def test_conseillers_numeriques_say_new_posts_are_suspended(engine: Engine) -> None:
    """Corrections §2.1: no new post since May 2025; never "inscrivez votre structure"."""
    card = _card(engine, "anct-conseillers-numeriques")
    assert (
        "À savoir (au 14/05/2025) : Depuis mai 2025, l'attribution de nouveaux postes par l'ANCT est suspendue"
        in card
    )
    assert not re.search(r"inscrivez votre structure|l'ANCT attribue les postes", card, re.IGNORECASE)
    step = next(x for x in card.splitlines() if x.startswith("Prochaine étape"))
    assert "Rapprochez-vous de la préfecture" in step, "the card's next step is something a town hall can do"


def test_vta_fiche_de_poste_goes_to_the_prefecture_and_the_aid_is_dated(engine: Engine) -> None:
    """Corrections §2.2: the town hall sends its job description to the préfecture; 15,000 € in 2026."""
    entry = engine.entry("anct-volontariat-territorial")
    assert entry is not None
    assert entry.next_steps.startswith("Envoyez votre fiche de poste à la préfecture (et à vta@anct.gouv.fr)")
    amount = next(f for f in entry.facts if f.kind == "amount")
    assert ("15 000 €" in amount.text, str(amount.as_of)) == (True, "2026-01-30")


def test_fse_plus_goes_to_the_dreets_and_feder_to_the_region(engine: Engine) -> None:
    """Corrections §2.3."""
    card = _card(engine, "anct-fonds-europeens", "fonds européens pour un projet à Rennes")
    assert "FEDER), contactez le service des fonds européens de votre Région" in card
    assert "• DREETS Bretagne — FSE+ emploi et inclusion" in card


def test_mayotte_european_funds_are_managed_by_the_prefecture(engine: Engine) -> None:
    card = _card(engine, "anct-fonds-europeens", "fonds européens à Mamoudzou")
    assert "• Préfecture de Mayotte — Autorité de gestion des fonds européens à Mayotte" in card
    assert "Département de Mayotte" not in card


def test_the_delegates_decree_is_n_2024_97_never_february_2023(engine: Engine) -> None:
    """Corrections §2.4, in entries and in the contacts file alike."""
    everything = " ".join(t for _i, t in _texts(engine)) + engine.knowledge.contacts.model_dump_json()
    assert "10 février 2023" not in everything
    entry = engine.entry("anct-comite-local-cohesion")
    assert entry is not None
    assert "Depuis le décret n° 2024-97 du 8 février 2024" in entry.description


def test_avenir_montagnes_is_not_offered_as_open(engine: Engine) -> None:
    """Corrections §2.7: the fund was spent in 2023."""
    card = _card(engine, "anct-avenir-montagnes")
    assert "À savoir (au 02/02/2023) : Fonds d'investissement entièrement consommé en février 2023" in card
    entry = engine.entry("anct-avenir-montagnes")
    assert entry is not None
    assert "le fonds Avenir Montagnes n'est plus ouvert" in entry.next_steps
    assert "programme-montagne-112" not in card


def test_villages_d_avenir_shows_its_end_date(engine: Engine) -> None:
    assert "Échéance (jusqu'au 31/12/2026)" in _card(engine, "anct-villages-d-avenir")


def test_aides_territoires_is_not_presented_as_an_anct_programme(engine: Engine) -> None:
    """Corrections §2.11: its card, its HTML card and its JSON kind say what it is."""
    entry = engine.entry("anct-aides-territoires")
    assert entry is not None
    assert "ce n'est pas un programme de l'ANCT" in entry.summary
    assert entry.kind == "service_public"
    card = _card(engine, "anct-aides-territoires", "subvention pour la salle des fêtes à Guingamp")
    assert card.startswith("Service public : Aides-territoires")
    assert "Programme ANCT" not in card
    reply = Reply("card", entry=entry)
    assert entry_card(entry, reply, HTML).startswith("<b>Service public : Aides-territoires")
    others = {e.kind for e in engine.entries if e.id != entry.id}
    assert others == {"apec_offer", "anct_programme"}, "the other entries keep their kind"


def test_a_territorial_vacancy_goes_through_the_centre_de_gestion(engine: Engine) -> None:
    """Corrections §2.13; no claim that any collectivity may publish on apec.fr."""
    entry = engine.entry("apec-diffusion-offres")
    assert entry is not None
    assert (
        "centre de gestion de votre département, qui la publie sur emploi-territorial.fr" in entry.next_steps
    )
    assert "y compris une collectivité" not in entry.description


def test_no_job_dating_organiser_claim(engine: Engine) -> None:
    """Corrections §2.14: the collectivity's organiser role has no source."""
    entry = engine.entry("apec-job-meeting")
    assert entry is not None
    assert "organisateur" not in entry.description


def test_every_apec_offer_from_the_agreement_dates_it(engine: Engine) -> None:
    """Corrections §1: an offer the 2021 agreement identified (its article 2.1) says the agreement
    was signed on 31 May 2021 for three years."""
    for entry in engine.entries:
        if entry.kind == "apec_offer" and any("article 2.1" in s.label for s in entry.sources):
            text = entry.description + " ".join(f.text for f in entry.facts)
            assert "31 mai 2021" in text, entry.id


def test_the_agreement_fact_dates_the_agreement_not_the_service(engine: Engine) -> None:
    """The card says when the agreement was signed and for how long, never a date range that reads
    as if the Apec's service ended in 2024; the full fact says the service is still offered."""
    for entry in engine.entries:
        if not any(f.kind == "status" and "convention-cadre ANCT–Apec" in f.text for f in entry.facts):
            continue
        card = _card(engine, entry.id)
        line = next(x for x in card.splitlines() if x.startswith("À savoir"))
        assert line.startswith("À savoir : Service de l'Apec"), (entry.id, line)
        assert "signée le 31 mai 2021 pour trois ans" in line, entry.id
        assert "2024" not in line.split(":", 1)[0], (entry.id, line)
    entry = engine.entry("apec-mentorat")
    assert entry is not None
    lines = "\n".join(fact_lines(entry, ("status",), PLAIN))
    assert (
        "la convention arrivait à son terme le 31 mai 2024, le service est toujours proposé par l'Apec"
        in lines
    )


def test_no_research_note_in_any_text_a_user_reads(engine: Engine) -> None:
    found = [(i, RESEARCH_NOTES.search(t).group()) for i, t in _texts(engine) if RESEARCH_NOTES.search(t)]
    notes = [d.note or "" for d in engine.knowledge.contacts.apec_delegations]
    assert (found, [n for n in notes if RESEARCH_NOTES.search(n)]) == ([], [])


def test_every_time_bound_fact_carries_a_date(engine: Engine) -> None:
    undated = [
        (e.id, f.text[:40]) for e in engine.entries for f in e.facts if f.kind == "deadline" and not f.until
    ]
    assert undated == []


def test_every_card_shows_its_review_date(engine: Engine) -> None:
    for entry in engine.entries:
        assert f"Fiche vérifiée le {entry.reviewed:%d/%m/%Y}." in _card(engine, entry.id)


def test_most_entries_carry_sourced_facts(engine: Engine) -> None:
    """Facts shown on demand ("c'est combien ?", "jusqu'à quand ?") exist for almost every entry."""
    without = [e.id for e in engine.entries if not e.facts]
    assert len(without) <= 2, without


@pytest.mark.parametrize("field", ["sources", "reviewed"])
def test_an_entry_without_sources_or_review_date_is_refused(tmp_path: Path, field: str) -> None:
    shutil.copytree(KNOWLEDGE, tmp_path / "k")
    path = tmp_path / "k" / "catalogue" / "anct.yaml"
    text = path.read_text(encoding="utf-8")
    if field == "reviewed":
        text = text.replace("    reviewed: 2026-12-02\n", "", 1)
    else:
        start = text.index("    sources:\n")
        end = text.index("    facts:\n", start)
        text = text[:start] + text[end:]
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(tmp_path / "k")
    assert any(p.field.endswith(field) for p in error.value.problems)


def test_facts_on_demand_carry_their_dates_and_sources(engine: Engine) -> None:
    """ "c'est combien ?" about the VTA: the amount, its date and the page it comes from."""
    entry = engine.entry("anct-volontariat-territorial")
    assert entry is not None
    lines = fact_lines(entry, ("amount",), PLAIN)
    assert lines[0].startswith("• Montant (au 30/01/2026) : Aide forfaitaire de l'État de 15 000 € par VTA")
    assert "Source : Prolongation du VTA jusqu'en 2026 — https://saury-martin.fr/" in lines[0]


def test_the_anact_is_not_taken_for_the_anct(engine: Engine) -> None:
    """Corrections §2.12: the Anact (working conditions) is another agency; a question about it
    is not answered with an ANCT programme because of its name."""
    answer = engine.ask("l'anact pour les conditions de travail des agents")
    assert not any("anact" in r.lower() for res in answer.results for r in res.reasons)
    assert answer.status == "no_match"
