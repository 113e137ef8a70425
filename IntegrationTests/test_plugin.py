# SPDX-License-Identifier: GPL-3.0-or-later
"""The plugin loads in a real Orthanc and reports its status."""


def test_plugin_is_listed(hospital):
    plugins = hospital.get("/plugins")
    assert "dicom-mail" in plugins
    info = hospital.get("/plugins/dicom-mail")
    assert info["ID"] == "dicom-mail"
    assert info["Version"]
    assert "e-mail" in info["Description"]


def test_status_answers(hospital):
    status = hospital.get("/dicom-mail/status")
    assert status["Version"] == hospital.get("/plugins/dicom-mail")["Version"]
    assert status["Site"]["Address"] == "hospital@hospital.test"
    names = {a["Name"]: a for a in status["Accounts"]}
    assert names["smtp"]["Kind"] == "smtp"
    assert names["inbox"]["Kind"] == "incoming"
    for account in status["Accounts"]:
        assert account["State"] in ("never-contacted", "ok", "error")


def test_status_has_no_secret(hospital, mailstack):
    text = hospital.get("/dicom-mail/status", raw=True).text
    assert mailstack["users"]["hospital@hospital.test"] not in text
