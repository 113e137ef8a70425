# SPDX-License-Identifier: GPL-3.0-or-later
"""Each kind of invalid configuration stops Orthanc with the key named."""
import os

import pytest

from conftest import PORT_OFFSET, ROOT, plugin_path, site_config
from orthanc_server import start_expecting_failure

CASES = [
    # (name, change to the DicomMail section, text expected in the log line)
    ("bad-url-scheme", {"Smtp": {"Url": "http://127.0.0.1:25"}}, 'DicomMail.Smtp.Url'),
    ("bad-url-port", {"Smtp": {"Url": "smtp://127.0.0.1:99999"}}, 'DicomMail.Smtp.Url'),
    ("unknown-key", {"MaxMailSzie": 5}, 'DicomMail.MaxMailSzie'),
    ("unknown-nested-key", {"Smtp": {"Url": "smtp://h:25", "Pasword": "x"}}, 'DicomMail.Smtp.Pasword'),
    ("negative-size", {"MaxMailSize": -1}, 'DicomMail.MaxMailSize'),
    ("missing-password-file",
     {"Incoming": [{"Url": "imaps://127.0.0.1:1", "PasswordFile": "/nonexistent/pw"}]},
     'DicomMail.Incoming[0].PasswordFile'),
    ("incoming-scheme", {"Incoming": [{"Url": "smtp://127.0.0.1:1"}]}, 'DicomMail.Incoming[0].Url'),
    ("long-gnupg-home", {"GnupgHome": "/tmp/" + "x" * 90}, 'DicomMail.GnupgHome'),
    ("bad-fingerprint", {"Partners": {"p": {"Addresses": ["a@b.test"], "Fingerprint": "1234"}}},
     'DicomMail.Partners.p.Fingerprint'),
    ("wrong-type", {"SiteAddress": 12}, 'DicomMail.SiteAddress'),
    # The harness's Orthancs have no DicomModalities entry.
    ("unknown-forward-modality", {"Forwarding": {"Modality": "pacs"}}, 'DicomMail.Forwarding.Modality'),
    ("unknown-partner-modality", {"Forwarding": {"Partners": {"p": "nowhere"}}},
     'DicomMail.Forwarding.Partners.p'),
    ("notices-address", {"Notices": {"To": ["it at hospital"]}}, 'DicomMail.Notices.To'),
    ("partner-notices-url", {"Partners": {"p": {"Addresses": ["a@b.test"], "Notices": {"PageUrl": "pacs/app"}}}},
     'DicomMail.Partners.p.Notices.PageUrl'),
]


@pytest.mark.parametrize("name,change,expected", CASES, ids=[c[0] for c in CASES])
def test_invalid_configuration_is_refused(mailstack, name, change, expected):
    config = site_config("hospital", mailstack)
    config.update(change)
    directory = os.path.join(ROOT, "badconfig-" + name)
    code, log = start_expecting_failure("bad-" + name, directory, 18099 + PORT_OFFSET, 18299 + PORT_OFFSET, plugin_path(), config)
    assert code != 0, "Orthanc started despite an invalid configuration"
    lines = [l for l in log.splitlines() if expected in l]
    assert len(lines) == 1, "expected one log line naming %s, log was:\n%s" % (expected, log[-3000:])
    # the secret of the valid part never shows
    assert mailstack["users"]["hospital@hospital.test"] not in log
