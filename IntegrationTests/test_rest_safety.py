# SPDX-License-Identifier: GPL-3.0-or-later
"""The REST API cannot be used against the admin (issue 14, point 8).

An admin's browser sends Orthanc's Basic auth with every request, also with one another site's page makes it
send. Such a page can send, without a CORS preflight, only a form's content types (or none) and always an Origin
naming itself: every state-changing route refuses those. Replacing the site key takes an explicit Replace, and a
malformed value is a 400 naming it, never a 500. Lua's RestApiPost(), which sends neither Origin nor Content-Type,
keeps working.
"""
import json
import os

import pytest

from conftest import make_server, pair, site_config
from fault_tools import wait_for
import generate_study

EVIL = "http://evil.example"
FORM = "application/x-www-form-urlencoded"


def same_origin(server):
    return server.url   # "http://127.0.0.1:<port>", what a page of this Orthanc sends


def upload_study(server, directory, seed, slices=2):
    paths = generate_study.generate_study(str(directory), seed=seed, slices=slices, series=1, rows=64, cols=64)
    for path in paths:
        server.upload_dicom(path)
    return paths


def post_as(server, path, body, content_type, origin=None):
    """A POST as a browser form or page would make it: raw body text, the given Content-Type and Origin."""
    headers = {"Content-Type": content_type}
    if origin:
        headers["Origin"] = origin
    text = body if isinstance(body, str) else json.dumps(body)
    return server.post(path, text, raw=True, headers=headers)


def refused(response, status, *words):
    assert response.status_code == status, (response.status_code, response.text)
    message = response.json()["Message"]
    for word in words:
        assert word in message, (word, message)


@pytest.fixture
def half_paired(hospital, referrer):
    """hospital knows referrer's key but has not certified it yet."""
    pair(hospital, "hospital", referrer, "referrer", certify=False)
    referrer_key = referrer.get("/dicom-mail/keys/site")["Fingerprint"]
    referrer.post("/dicom-mail/keys/%s/certify" % hospital.get("/dicom-mail/keys/site")["Fingerprint"], {})
    return hospital, referrer, referrer_key


def test_cross_site_form_posts_change_nothing(half_paired, tmp_path):
    hospital, referrer, referrer_key = half_paired
    upload_study(hospital, tmp_path, seed=81)
    site_key = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    send = {"Resources": hospital.get("/studies"), "Partner": "referrer"}
    jobs_before = hospital.get("/jobs")

    attacks = [("/dicom-mail/send", send), ("/dicom-mail/keys/site/generate", {"Replace": True}),
               ("/dicom-mail/keys/%s/certify" % referrer_key, {"Exportable": True}), ("/dicom-mail/fetch", {})]
    for path, body in attacks:
        for content_type in (FORM, "text/plain", "text/plain;charset=UTF-8"):
            # From another site's page: refused for its origin, whatever the type.
            refused(post_as(hospital, path, body, content_type, EVIL), 403, EVIL)
            # Without Origin (a page in a browser that omits it, a sandboxed frame's "null"): refused for its type.
            refused(post_as(hospital, path, body, content_type), 415, content_type.split(";")[0], "application/json")
            refused(post_as(hospital, path, body, content_type, "null"), 403, "null")
            # Even from our own page: a form's type is never taken.
            refused(post_as(hospital, path, body, content_type, same_origin(hospital)), 415)
        # multipart/form-data, as <form enctype="multipart/form-data"> sends it: Orthanc 1.10 hands each part to
        # the route alone, with only the part's headers (no Origin, no Content-Type: like Lua), and answers 200
        # itself. The route must refuse the part; that nothing changed is checked below.
        for files in ({"x": ("x.json", json.dumps(body), "application/json")}, {"x": (None, json.dumps(body))}):
            r = hospital.session.post(hospital.url + path, files=files, headers={"Origin": EVIL})
            assert r.status_code in (200, 403, 415), (path, r.status_code, r.text)
            assert r.status_code != 200 or r.text == "", r.text
        # JSON, but from another site (it would need a preflight in a browser; refused anyway).
        refused(post_as(hospital, path, body, "application/json", EVIL), 403)
    # PUT and DELETE too.
    r = hospital.put("/dicom-mail/partners/intruder", {"Addresses": ["x@evil.example"]}, raw=True,
                     headers={"Origin": EVIL})
    assert r.status_code == 403, r.text
    refused(hospital.delete("/dicom-mail/partners/referrer", raw=True, headers={"Origin": EVIL}), 403)
    # The armored-key import refuses text/plain: an attacker's key must not slip in by a form.
    armored = referrer.get("/dicom-mail/keys/site")["PublicKey"]
    refused(post_as(hospital, "/dicom-mail/keys", armored, "text/plain"), 415, "application/pgp-keys")
    refused(post_as(hospital, "/dicom-mail/keys", armored, "application/pgp-keys", EVIL), 403)

    assert hospital.log_text(current_run=True).count("a part of a multipart/form-data body") >= 2 * len(attacks)
    # Nothing changed.
    assert hospital.get("/dicom-mail/outbox") == []
    assert hospital.get("/jobs") == jobs_before
    assert hospital.get("/dicom-mail/keys/site")["Fingerprint"] == site_key
    assert not hospital.get("/dicom-mail/keys/" + referrer_key)["CertifiedBySite"]
    assert [p["Name"] for p in hospital.get("/dicom-mail/partners")] == ["referrer"]

    # The same requests from our own page (Origin matches, application/json) work.
    certified = post_as(hospital, "/dicom-mail/keys/%s/certify" % referrer_key, {"Exportable": False},
                        "application/json", same_origin(hospital))
    assert certified.status_code == 200, certified.text
    assert certified.json()["CertifiedBySite"]
    r = post_as(hospital, "/dicom-mail/keys", armored, "application/pgp-keys", same_origin(hospital))
    assert r.status_code == 200 and r.json()["Fingerprints"] == [referrer_key], r.text
    r = post_as(hospital, "/dicom-mail/keys", {"PublicKey": armored}, "application/json", same_origin(hospital))
    assert r.status_code == 200 and r.json()["Fingerprints"] == [referrer_key], r.text
    answer = post_as(hospital, "/dicom-mail/send", send, "application/json; charset=utf-8", same_origin(hospital))
    assert answer.status_code == 200, answer.text
    assert hospital.wait_job(answer.json()["ID"], timeout=120)["State"] == "Success"
    r = hospital.session.post(hospital.url + "/dicom-mail/fetch", headers={"Origin": same_origin(hospital)})
    assert r.status_code == 200, r.text   # no body, no Content-Type: what the DICOM-Mail page's button sends


def test_replacing_the_site_key_takes_an_explicit_replace(hospital):
    site = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    for body in (None, {}, {"Replace": False}):
        refused(hospital.post("/dicom-mail/keys/site/generate", body, raw=True), 409, site, "Replace")
    assert hospital.get("/dicom-mail/keys/site")["Fingerprint"] == site
    assert [k["Fingerprint"] for k in hospital.get("/dicom-mail/keys") if k["HasSecret"]] == [site]
    new = hospital.post("/dicom-mail/keys/site/generate", {"Replace": True})
    assert new["Fingerprint"] != site and new["Replaced"] == site
    assert hospital.get("/dicom-mail/keys/site")["Fingerprint"] == new["Fingerprint"]


def test_malformed_values_answer_400_naming_them(paired, tmp_path):
    hospital, referrer = paired
    upload_study(hospital, tmp_path, seed=82)
    study = hospital.get("/studies")
    referrer_key = referrer.get("/dicom-mail/keys/site")["Fingerprint"]
    gets = [("/dicom-mail/outbox?limit=abc", "abc"), ("/dicom-mail/outbox?since=-1", "-1"),
            ("/dicom-mail/inbox?limit=1e3", "1e3"), ("/dicom-mail/inbox?since=x", "x"),
            ("/dicom-mail/mails?limit=99999999999", "99999999999"), ("/dicom-mail/mails?limit=", "limit")]
    for path, word in gets:
        refused(hospital.get(path, raw=True), 400, word)
    posts = [
        ("/dicom-mail/send", {"Resources": study, "Partner": "referrer", "Synchronous": "yes"}, "Synchronous", '"yes"'),
        ("/dicom-mail/send", {"Resources": study, "Partner": "referrer", "Asynchronous": 1}, "Asynchronous", "1"),
        ("/dicom-mail/send", {"Resources": study, "Partner": 5}, "Partner", "5"),
        ("/dicom-mail/send", {"Resources": study, "Partner": "referrer", "Priority": "high"}, "Priority", "high"),
        ("/dicom-mail/keys/issue", {"Name": "A", "Address": "a@b.test", "Passphrase": "12345678", "Algorithm": 3},
         "Algorithm", "3"),
        ("/dicom-mail/keys/issue", {"Name": ["A"], "Address": "a@b.test", "Passphrase": "12345678"}, "Name", "A"),
        ("/dicom-mail/keys/%s/certify" % referrer_key, {"Exportable": "no"}, "Exportable", "no"),
        ("/dicom-mail/keys/site/generate", {"Replace": "yes"}, "Replace", "yes"),
        ("/dicom-mail/keys", {"PublicKey": 5}, "PublicKey", "5"),
    ]
    for path, body, *words in posts:
        refused(hospital.post(path, body, raw=True), 400, *words)
    assert hospital.get("/dicom-mail/outbox") == []


LUA = """
function OnStableStudy(studyId, tags, metadata)
  local answer = ParseJson(RestApiPost('/dicom-mail/send',
    DumpJson({Resources = {studyId}, Partner = 'referrer'}, true)))
  print('DICOM-Mail job ' .. answer['ID'] .. ', transfer ' .. answer['SetId'])
end
"""


def test_lua_rest_api_post_still_sends(mailstack, tmp_path):
    script = tmp_path / "send.lua"
    script.write_text(LUA)
    hospital = make_server("hospital", mailstack, site_config("hospital", mailstack),
                           {"LuaScripts": [str(script)], "StableAge": 1})
    referrer = make_server("referrer", mailstack)
    hospital.start()
    referrer.start()
    try:
        pair(hospital, "hospital", referrer, "referrer")
        paths = upload_study(hospital, tmp_path / "study", seed=83)
        transfer = wait_for(lambda: hospital.get("/dicom-mail/outbox"), 60, "the Lua script's transfer")[0]
        received = wait_for(lambda: [t for t in referrer.get("/dicom-mail/inbox")
                                     if t["SetId"] == transfer["SetId"] and t["State"] == "complete"],
                            120, "the transfer at the referrer")[0]
        assert received["InstancesImported"] == len(paths)
        assert "DICOM-Mail job" in hospital.log_text()
    finally:
        hospital.stop()
        referrer.stop()
