"""The German and French catalogues are complete: every interface string translated, none
fuzzy, every placeholder kept; adding a catalogue adds a language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import Translations

from tests.fixtures.static import compile_catalogues
from website.config import ROOT
from website.i18n import LANGUAGES, PREFIXED, TRANSLATIONS, catalogue_languages


def marked_strings() -> set[str]:
    """What `scripts/translations update` extracts from the code now (babel.cfg, `_l` too)."""
    with (ROOT / "babel.cfg").open() as config:
        methods, options = parse_mapping_cfg(config)
    found = extract_from_dir(str(ROOT), methods, options, keywords={**DEFAULT_KEYWORDS, "_l": None})
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


def catalogue(code: str):  # babel's Catalog
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        return read_po(po_file, locale=code)


def test_the_site_speaks_english_german_and_french() -> None:
    assert {"en": "English", "de": "Deutsch", "fr": "Français"}.items() <= LANGUAGES.items()
    assert {"de", "fr"} <= set(PREFIXED)


@pytest.mark.parametrize("code", PREFIXED)
def test_every_string_of_the_interface_is_translated(code: str) -> None:
    translated = catalogue(code)
    ids = {message.id if isinstance(message.id, str) else message.id[0]
           for message in translated if message.id}
    assert marked_strings() - ids == set(), "marked in the code, missing from the catalogue"
    untranslated = [message.id for message in translated if message.id and not (
        all(message.string) if isinstance(message.string, tuple) else message.string)]
    assert untranslated == []
    assert [message.id for message in translated if message.id and message.fuzzy] == []


@pytest.mark.parametrize("code", PREFIXED)
def test_every_translation_keeps_its_placeholders(code: str) -> None:
    problems = [(message.id, [str(error) for error in errors])
                for message, errors in catalogue(code).check()]
    assert problems == []


def test_the_catalogues_compile(tmp_path: Path) -> None:
    for code in PREFIXED:
        target = tmp_path / code / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "messages.po").write_bytes(
            (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").read_bytes())
    compile_catalogues(tmp_path)
    written = sorted(tmp_path.glob("*/LC_MESSAGES/messages.mo"))
    assert [path.parent.parent.name for path in written] == sorted(PREFIXED)
    assert all(path.stat().st_size > 1000 for path in written)
    german = Translations.load(str(tmp_path), ["de"])
    assert german.gettext("Privacy policy") == "Datenschutzerklärung"


def test_a_new_catalogue_is_a_new_language(tmp_path: Path) -> None:
    (tmp_path / "it" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "it" / "LC_MESSAGES" / "messages.po").write_text('msgid ""\nmsgstr ""\n')
    assert catalogue_languages(tmp_path) == {"en": "English", "it": "Italiano"}
