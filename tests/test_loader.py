"""Knowledge loading rules that admins rely on when editing YAML by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

from knowledge_copies import edit, mini_copy, refused

from matching import load_knowledge

DATA = Path(__file__).resolve().parent / "data"


_copy, _problems, _edit = mini_copy, refused, edit


def test_ids_must_be_slugs(tmp_path: Path) -> None:
    """Ids are lower-case slugs (they appear in links and in `related`)."""
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("id: apec-mentorat", "id: Apec Mentorat"), encoding="utf-8"
    )
    assert _problems(k) == [
        f"{path}:2: entries[0].id: identifiant invalide : minuscules, chiffres et tirets seulement (ex. « apec-mentorat »)"
    ]


def test_yes_no_words_are_not_silently_turned_into_booleans(tmp_path: Path) -> None:
    """YAML reads a bare `on` as true: validation says so instead of losing the stop word."""
    k = _copy(tmp_path)
    vocabulary = k / "vocabulaire.yaml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8").replace("stop_words: [le,", "stop_words: [on, le,"),
        encoding="utf-8",
    )
    assert _problems(k) == [
        f"{vocabulary}:5: stop_words[0]: texte attendu : mettez la valeur entre guillemets "
        "(YAML lit on, off, yes, no comme vrai ou faux)"
    ]


def test_missing_contacts_file_is_reported(tmp_path: Path) -> None:
    """contacts.yaml is required: without it no answer could name whom to contact."""
    k = _copy(tmp_path)
    (k / "contacts.yaml").unlink()
    assert _problems(k) == [f"{k / 'contacts.yaml'}: fichier manquant"]


def test_non_utf8_file_is_reported_with_the_line_not_crashed(tmp_path: Path) -> None:
    """A file saved in Latin-1 is named, with the line of its first non-UTF-8 byte."""
    k = _copy(tmp_path)
    (k / "catalogue" / "latin.yaml").write_bytes("entries:\n  - id: caf\xe9\n".encode("latin-1"))
    assert _problems(k) == [
        f"{k / 'catalogue' / 'latin.yaml'}:2: le fichier n'est pas encodé en UTF-8 (enregistrez-le en UTF-8)"
    ]


def test_valid_knowledge_keeps_catalogue_order(tmp_path: Path) -> None:
    """Entries keep file order, which breaks score ties deterministically."""
    knowledge = load_knowledge(_copy(tmp_path))
    assert [e.id for e in knowledge.entries] == ["apec-mentorat", "anct-crte"]


def test_duplicate_keys_are_refused_with_both_lines(tmp_path: Path) -> None:
    """A key written twice is refused, naming both lines: YAML would keep only the last one
    (one extra `synonyms: {}` silently drops every synonym)."""
    k = _copy(tmp_path)
    shutil.copy(DATA / "hostile" / "duplicate_keys.yaml", k / "vocabulaire.yaml")
    assert _problems(k) == [
        f"{k / 'vocabulaire.yaml'}:7: synonyms: clé en double : déjà ligne 3 "
        "(YAML garderait seulement la dernière, la première serait perdue)"
    ]


def test_duplicate_field_inside_an_entry_is_refused(tmp_path: Path) -> None:
    """Duplicates are found at every level, here a second `keywords` in a catalogue entry."""
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    _edit(path, "    related: [anct-crte]\n", "    related: [anct-crte]\n    keywords: [tutorat]\n")
    assert _problems(k) == [
        f"{path}:15: entries[0].keywords: clé en double : déjà ligne 9 "
        "(YAML garderait seulement la dernière, la première serait perdue)"
    ]


def test_yaml_syntax_errors_are_in_french_with_the_line(tmp_path: Path) -> None:
    """A value holding ": " without quotes is explained in French, at its line."""
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    _edit(path, "title: Développer le mentorat", "title: Mentorat : développer le mentorat")
    assert _problems(k) == [
        f"{path}:4: YAML invalide : « : » inattendu : une valeur qui contient « : » doit être entre "
        "guillemets, ou l'indentation est incorrecte"
    ]


def test_unclosed_bracket_is_reported_where_it_opens(tmp_path: Path) -> None:
    """A list between brackets left open is noticed lines below, at the next key; the admin is
    sent to the bracket itself (a flow mapping likewise)."""
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    _edit(path, "keywords: [mentorat, parrainage, parrain]", "keywords: [mentorat, parrainage, parrain")
    assert _problems(k) == [
        f"{path}:9: YAML invalide : « [ » ouvert ici, jamais refermé (« ] » attendu avant la ligne 10)"
    ]
    _edit(path, "keywords: [mentorat, parrainage, parrain", "keywords: {mentorat: 1")
    assert _problems(k) == [
        f"{path}:9: YAML invalide : « {{ » ouvert ici, jamais refermé (« }} » attendu avant la ligne 10)"
    ]


def test_unclosed_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    """The parser notices an unclosed quote far below; the admin is sent to the quote itself."""
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    _edit(path, "title: Développer", 'title: "Développer')
    assert _problems(k) == [f"{path}:4: YAML invalide : guillemet ouvert ici et jamais fermé"]


def test_tab_indentation_is_explained(tmp_path: Path) -> None:
    """Tabs in indentation are a classic hand-editing slip: say to use spaces."""
    k = _copy(tmp_path)
    path = k / "vocabulaire.yaml"
    _edit(path, "  mentorat:", "\tmentorat:")
    [problem] = _problems(k)
    assert problem.startswith(f"{path}:4: YAML invalide : tabulation dans l'indentation")


def test_one_broken_file_does_not_cascade_into_untouched_files(tmp_path: Path) -> None:
    """A syntax error in one catalogue file is the only problem reported: entries elsewhere that
    refer to its entries are not reported as unknown references."""
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    first, second = text.split("  - id: anct-crte\n")
    path.write_text(first, encoding="utf-8")
    other = k / "catalogue" / "other.yaml"
    other.write_text("entries:\n  - id: anct-crte\n" + second.replace("title: Contrat", 'title: "Contrat'))
    assert _problems(k) == [f"{other}:4: YAML invalide : guillemet ouvert ici et jamais fermé"]


def test_references_to_an_invalid_entry_are_not_reported_as_unknown(tmp_path: Path) -> None:
    """An entry with a schema error still exists for references: only its own error is shown."""
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    _edit(path, "kind: anct_programme", "kind: programme")
    [problem] = _problems(k)
    assert problem.startswith(f"{path}:21: entries[1].kind: valeur non permise")


def test_unknown_references_are_still_reported(tmp_path: Path) -> None:
    """A `related` id that no file names is reported at its line."""
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    _edit(path, "related: [anct-crte]", "related: [anct-crtee]")
    assert _problems(k) == [f"{path}:14: apec-mentorat.related[0]: référence inconnue « anct-crtee »"]


def test_over_indented_list_item_merged_into_the_previous_is_refused(tmp_path: Path) -> None:
    """An item indented further than its siblings is glued to the previous one by YAML
    ("parrainage - parrain"); it is reported at its own line."""
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    _edit(
        path,
        "      - trouver des parrains pour nos jeunes diplômés\n",
        "      - trouver des parrains\n        - pour nos jeunes diplômés\n",
    )
    assert _problems(k) == [
        f"{path}:13: entries[0].examples[1]: « - pour nos jeunes diplômés » est collé à la ligne 12 : "
        "élément de liste trop indenté ? Alignez son tiret sur celui des autres éléments"
    ]


def test_long_items_wrapped_by_a_yaml_writer_are_not_taken_for_merged_items(tmp_path: Path) -> None:
    """YAML writers wrap long text before a " - " too; past 80 characters a line is a wrap,
    not an admin's slip, and the file loads."""
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    long_example = "trouver des parrains pour nos jeunes diplômés " * 2 + "avec des cadres volontaires"
    _edit(path, "      - programme de parrainage\n", f"      - {long_example}\n        - et suivis\n")
    [entry, _] = load_knowledge(k).entries
    assert entry.examples[2] == f"{long_example} - et suivis"


def test_numbers_where_text_is_expected_ask_for_quotes(tmp_path: Path) -> None:
    """YAML reads 22070 as a number (and 01053 as another one): the admin is told to quote it."""
    k = _copy(tmp_path)
    path = k / "contacts.yaml"
    _edit(path, 'regions: ["53"]', "regions: [53]")
    assert _problems(k) == [
        f"{path}:15: apec_delegations[0].regions[0]: texte attendu : mettez la valeur entre guillemets "
        "(YAML lit 22070 ou 01053 comme un nombre)"
    ]


def test_quote_closed_only_lines_below_is_reported_where_it_opens(tmp_path: Path) -> None:
    """A quote left open swallows the lines below up to the next quote: the admin is sent to
    the opening quote, told where YAML found its end."""
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    _edit(path, "title: Développer", 'title: "Développer')
    _edit(path, "next_steps: Contactez la délégation", 'next_steps: "Contactez" la délégation')
    assert _problems(k) == [
        f"{path}:4: YAML invalide : guillemet ouvert ici et refermé seulement ligne 16 : guillemet fermant oublié ?"
    ]
