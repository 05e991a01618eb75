"""The zh-Hans catalogue is complete, compiled, and what a Chinese user actually sees."""

import gettext
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from tests.conftest import client_for
from waishi.config import settings as production_settings

CATALOGUE = Path(production_settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = polib.pofile(str(CATALOGUE / "django.po"))


def test_every_message_is_translated_and_none_is_fuzzy():
    missing = [entry.msgid for entry in PO.untranslated_entries()]
    fuzzy = [entry.msgid for entry in PO.fuzzy_entries()]
    assert missing == [] and fuzzy == []


def test_compiled_catalogue_matches_the_source_catalogue():
    with (CATALOGUE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for entry in PO.translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if not entry.msgid_plural and compiled._catalog.get(key) != entry.msgstr:
            stale.append(entry.msgid)
    assert stale == [], "run msgfmt to recompile django.mo"


def test_placeholders_survive_translation():
    for entry in PO.translated_entries():
        # zh has one plural form: msgstr[0] must carry the plural msgid's placeholders.
        source = entry.msgid_plural or entry.msgid
        target = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        for marker in ("%(", "{"):
            assert source.count(marker) == target.count(marker), entry.msgid


@pytest.mark.parametrize(
    ("url_name", "words"),
    [("core:dashboard", ["工作台", "人员", "单位"]), ("people:list", ["人员", "姓名", "护照拼音"])],
)
def test_a_chinese_user_sees_chinese_pages(liaison, url_name, words):
    html = client_for(liaison).get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="zh-hans").content
    for word in words:
        assert word in html.decode()
