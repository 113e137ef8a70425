# SPDX-License-Identifier: GPL-3.0-or-later
"""The texts of the DICOM-Mail page and of the Explorer extension: one file per language
(WebExtension/i18n-<language>.json). No server and no browser needed.

Fails when a key is missing in either language, when the JavaScript or app.html uses a key that no file
has, when a state the stores know has no words, or when a text's {placeholders} differ between languages.
"""
import json
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WEB = os.path.join(ROOT, "WebExtension")
LANGUAGES = ("de", "en")


def load(language):
    with open(os.path.join(WEB, "i18n-%s.json" % language), encoding="utf-8") as f:
        texts = json.load(f)
    assert isinstance(texts, dict) and texts
    return texts


def read(name):
    with open(os.path.join(WEB, name), encoding="utf-8") as f:
        return f.read()


def keys_used():
    """Every key the page and the Explorer extension name literally."""
    used = set()
    for script in ("app.js", "explorer.js", "qa.js"):
        source = read(script)
        used |= set(re.findall(r"\bT\('([A-Za-z0-9_.-]+)'", source))
        used |= set(re.findall(r"\bRelabel\(this, '([A-Za-z0-9_.-]+)'\)", source))
        # Keys handed to T() later: label and what fields, Facts pairs, badge and acknowledgement tables.
        used |= set(re.findall(r"\b(?:label|what): '([a-z]+\.[A-Za-z0-9_.]+)'", source))
        used |= set(re.findall(r"\['([a-z]+\.[A-Za-z0-9_.]+)',", source))
        used |= set(re.findall(r"'((?:ack|wizard|keys\.status)\.[A-Za-z.]+)'", source))
    html = read("app.html")
    used |= set(re.findall(r'data-i18n(?:-[a-z-]+)?="([^"]+)"', html))
    for states in re.findall(r'data-states="([^"]+)"', html):
        used |= {"state." + s for s in states.split()}
    for level in ("patient", "study", "series"):   # T('explorer.pickerSub.' + level)
        used.add("explorer.pickerSub." + level)
    # T('state.' + s) and the like: prefixes, their keys are checked apart.
    return {k for k in used if not k.endswith(".")}


def store_states():
    """The transfer and mail states of the outbox and the inbox (Core/Transfer) and of a forward to the PACS
    (Core/Forwarding): the page shows each one in words (T('state.' + s))."""
    states = set()
    for folder, name in (("Transfer", "TransferState.cpp"), ("Transfer", "InboxState.cpp"),
                         ("Forwarding", "ForwardState.cpp")):
        with open(os.path.join(ROOT, "Core", folder, name), encoding="utf-8") as f:
            source = f.read()
        for body in re.findall(r"k(?:Transfer|Mail|)Names\[\]\s*=\s*\{([^}]*)\}", source):
            states |= set(re.findall(r'"([a-z-]+)"', body))
    assert {"acknowledged", "quarantined", "complete-with-warnings", "accepted", "retrying"} <= states, states
    return states


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_used_has_a_text(language):
    texts = load(language)
    used = keys_used()
    assert len(used) > 150, "the key scan found too little: %d keys" % len(used)
    missing = sorted(k for k in used if k not in texts)
    assert not missing, "i18n-%s.json lacks %s" % (language, missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_state_has_words(language):
    texts = load(language)
    missing = sorted(s for s in store_states() | {"ok", "error", "never-contacted", "usable", "unusable"}
                     if "state." + s not in texts)
    assert not missing, "i18n-%s.json has no words for the states %s" % (language, missing)


def test_both_languages_have_the_same_keys_and_placeholders():
    de, en = load("de"), load("en")
    assert sorted(set(de) - set(en)) == [] and sorted(set(en) - set(de)) == [], \
        "only in de: %s; only in en: %s" % (sorted(set(de) - set(en)), sorted(set(en) - set(de)))
    for key in en:
        assert set(re.findall(r"\{(\w+)\}", de[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key
        assert de[key].strip() and en[key].strip(), "empty text for %s" % key


def test_german_is_german():
    """A few words the issue names, and no text left in English."""
    de, en = load("de"), load("en")
    joined = " ".join(de.values())
    for word in ("Übertragung", "Empfangsbestätigung", "Partner", "Schlüssel", "Fingerabdruck", "Sie "):
        assert word in joined, word
    same = [k for k in en if de[k] == en[k] and len(en[k]) > 12 and not re.fullmatch(r"[{}\w./: -]*", en[k])]
    assert not same, "untranslated: %s" % same


def test_no_text_left_in_the_code():
    """User-visible English in the scripts would not follow the language switch."""
    for script in ("app.js", "explorer.js", "qa.js"):
        source = read(script)
        for pattern in (r"\.text\('[A-Z][a-z]+ [a-z]", r"text: '[A-Z][a-z]+ [a-z]", r"Notice\('[A-Z]"):
            assert not re.search(pattern, source), "%s: %s" % (script, re.search(pattern, source).group(0))
