# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 9, "Hostile input": bad mails through the real mail stack, next to one good DICOM-Mail in the same poll.

Every bad mail is delivered to referrer's mailbox (SMTP with AUTH as the hospital user, or IMAP APPEND for what
Postfix would refuse or rewrite); then hospital sends a small study with POST /dicom-mail/send, and only then does
referrer poll (its PollInterval is a day; POST /dicom-mail/fetch triggers the poll). For every case: nothing from it
is imported, the mail is kept (IMAP folder Rejected; fragments wait in DICOM-Mail-Claimed until their group
expires) and listed with a readable reason at GET /dicom-mail/mails; Orthanc keeps its PID and answers /system; the good study is imported.
A table of cases goes to stdout and to artifacts/hostile-mail-table.md. All cases are evaluated before the test
fails, so the table is complete even when some cases expose bugs.
"""
import email.parser
import hashlib
import email.policy
import imaplib
import os
import re
import smtplib
import subprocess
import time

import pytest

from conftest import ROOT, SITES, make_server, pair, site_config
from mail_client import HOST
from stock_gpg import StockGpg
import generate_study
import hostile_mails as hm

HOSPITAL = SITES["hospital"][2]
REFERRER = SITES["referrer"][2]
CLINIC = "clinic@clinic.test"
OUTSIDER = "outsider@elsewhere.test"
MAX_DECOMPRESSED = 50 * 1000 * 1000
BOMB_BYTES = 150 * 1000 * 1000
MAX_FRAGMENTS = 100
FLOOD = 120
NOT_IMPORTED = ("rejected", "quarantined", "failed")


# ---------------------------------------------------------------------------------------------------- mailbox helpers

def _header_value(raw_headers, name):
    parsed = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw_headers)
    value = parsed.get(name)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value).strip()


def folder_index(stack, user, folder):
    """[(uid, Message-ID as text, size)] of a folder; a missing folder is empty."""
    result = []
    with stack.imap(user) as conn:
        if conn.select('"%s"' % folder, readonly=True)[0] != "OK":
            return result
        typ, data = conn.uid("FETCH", "1:*", "(RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        if typ != "OK":
            return result
        for item in data:
            if not isinstance(item, tuple):
                continue
            meta = item[0].decode(errors="replace")
            uid = re.search(r"UID (\d+)", meta)
            size = re.search(r"RFC822\.SIZE (\d+)", meta)
            if not uid:
                continue
            mid = _header_value(item[1], "Message-ID")
            result.append((int(uid.group(1)), mid, int(size.group(1)) if size else -1))
    return result


def smtp_send_all(stack, raws, recipient):
    """All messages over one authenticated SMTP session (STARTTLS), envelope sender hospital."""
    conn = smtplib.SMTP(HOST, stack.smtp_port, local_hostname="harness.test", timeout=120)
    try:
        conn.starttls(context=stack.ssl_context())
        conn.ehlo("harness.test")
        conn.login(HOSPITAL, stack.password(HOSPITAL))
        for raw in raws:
            refused = conn.sendmail(HOSPITAL, [recipient], raw)
            assert not refused, refused
    finally:
        conn.quit()


def imap_append_all(stack, raws, user):
    """IMAP APPEND over one connection; raw bytes kept as they are (already CRLF)."""
    with stack.imap(user) as conn:
        for raw in raws:
            typ, data = conn.append("INBOX", None, imaplib.Time2Internaldate(time.time()), raw)
            assert typ == "OK", (typ, data)


# ---------------------------------------------------------------------------------------------------- cases

class Case:
    def __init__(self, name, what, raws, via="smtp", expect="Rejected", reason=r".", matcher=None, count=None):
        self.name = name            # "hNN-label": prefix of every Message-ID of the case
        self.what = what
        self.raws = raws            # list of raw mails (bytes)
        self.via = via              # "smtp" or "imap"
        self.expect = expect        # where the mail must be afterwards: Rejected, INBOX, Processed
        self.reason = reason        # regex a readable reason must match (case-insensitive)
        self.matcher = matcher      # record -> bool, for records without a usable Message-ID
        self.count = count if count is not None else len(raws)
        self.sop_uids = set()       # DICOM instances the case carries
        self.outcome = {}

    def prefix(self):
        return "<" + self.name + "-"

    def owns_record(self, record):
        if self.matcher is not None:
            return self.matcher(record)
        return record.get("MessageId", "").startswith(self.prefix())

    def owns_mid(self, mid, size):
        if self.name.endswith("header-10mb"):
            return size > 10000000
        if self.name.endswith("empty-mail"):
            return size <= 2
        return mid.startswith(self.prefix())


def mid(name, suffix="mail"):
    return "<%s-%s@%s>" % (name, suffix, hm.DOMAIN)


def build_cases(builder, dicoms, gpg_keys):
    """The bad mails; `dicoms` is an iterator of DicomFile (each case gets its own instances)."""
    cases = []
    counter = [0]

    def new(label):
        counter[0] += 1
        return "h%02d-%s" % (counter[0], label)

    def add(case, *files):
        case.sop_uids.update(f.sop_uid for f in files)
        cases.append(case)
        return case

    def good_entity(name, set_id, files=None, **kwargs):
        files = files or [next(dicoms)]
        return hm.entity(set_id, 1, 1, files, **kwargs), files

    def signed_mail(name, label_what, plaintext_files, set_values=None, signer="hospital", recipients=None,
                    sender=None, reason=r"."):
        set_id = "hostile." + name.replace("-", ".")
        plaintext, files = plaintext_files(set_id) if callable(plaintext_files) else plaintext_files
        raw = builder.dicom_mail(mid(name), set_values or (set_id, 1, 1), plaintext, signer=signer,
                                 recipients=recipients, sender=sender)
        return add(Case(name, label_what, [raw], reason=reason), *files)

    def real_cipher(name):
        set_id = "hostile." + name.replace("-", ".")
        plaintext, files = good_entity(name, set_id)
        return set_id, builder.sign_encrypt(plaintext), files

    # -- OpenPGP damage
    name = new("garbage-openpgp")
    f = next(dicoms)
    raw = builder.envelope(mid(name), hm.armor(hm.random_bytes(3000, 1)), ("hostile.garbage", 1, 1))
    add(Case(name, "garbage OpenPGP data (random bytes, valid armor checksum)", [raw],
             reason=r"openpgp|decrypt|packet|no data|invalid|crypt|damaged"), f)

    name = new("truncated-openpgp")
    set_id, cipher, files = real_cipher(name)
    raw = builder.envelope(mid(name), hm.armor(cipher[:len(cipher) // 2]), (set_id, 1, 1))
    add(Case(name, "OpenPGP message truncated to half (armor checksum recomputed)", [raw],
             reason=r"openpgp|decrypt|truncat|end of|crypt|damaged|packet|invalid"), *files)

    name = new("truncated-armor")
    set_id, cipher, files = real_cipher(name)
    text = hm.armor(cipher)
    raw = builder.envelope(mid(name), text[:len(text) // 2] + hm.CRLF, (set_id, 1, 1))
    add(Case(name, "armored block cut in the middle (no END line)", [raw],
             reason=r"armor|damaged|truncat|end|openpgp|base64"), *files)

    name = new("flipped-byte")
    set_id, cipher, files = real_cipher(name)
    flipped = bytearray(cipher)
    flipped[len(flipped) * 2 // 3] ^= 0x01
    raw = builder.envelope(mid(name), hm.armor(bytes(flipped)), (set_id, 1, 1))
    add(Case(name, "one flipped bit in the ciphertext (armor checksum recomputed)", [raw],
             reason=r"decrypt|integrity|mdc|modif|openpgp|crypt|bad|checksum|damaged"), *files)

    name = new("flipped-byte-crc")
    set_id, cipher, files = real_cipher(name)
    flipped = bytearray(cipher)
    flipped[len(flipped) // 2] ^= 0x80
    raw = builder.envelope(mid(name), hm.armor(bytes(flipped), checksum=hm.crc24(cipher)), (set_id, 1, 1))
    add(Case(name, "one flipped byte in the ciphertext, armor checksum of the original", [raw],
             reason=r"checksum|crc|damaged|transit"), *files)

    # -- keys and trust
    name = new("encrypted-to-other-key")
    signed_mail(name, "encrypted to another key only", lambda s: good_entity(name, s),
                recipients=[gpg_keys["stranger"]], reason=r"secret key|decrypt|no key|crypt")
    name = new("unsigned")
    signed_mail(name, "encrypted, not signed", lambda s: good_entity(name, s), signer=None, reason=r"unsigned")
    name = new("unknown-signer")
    signed_mail(name, "signed by a key the receiver does not have", lambda s: good_entity(name, s),
                signer=gpg_keys["stranger"], reason=r"unknown key")
    name = new("uncertified-signer")
    signed_mail(name, "From outsider, signed by outsider's key, imported on referrer but not certified",
                lambda s: good_entity(name, s), signer=gpg_keys["outsider"], sender=OUTSIDER,
                reason=r"not certified|unknown sender")
    name = new("uncertified-as-hospital")
    signed_mail(name, "From hospital, signed by an imported but uncertified key", lambda s: good_entity(name, s),
                signer=gpg_keys["outsider"], reason=r"signed by .* whose key is|not certified")
    name = new("signer-not-from-partner")
    signed_mail(name, "From hospital, signed by partner clinic's certified key", lambda s: good_entity(name, s),
                signer=gpg_keys["clinic"], reason=r"signed by .* hospital .*whose key is")
    name = new("from-clinic-signed-by-hospital")
    signed_mail(name, "From partner clinic, signed by hospital's key", lambda s: good_entity(name, s),
                sender=CLINIC, reason=r"signed by .* clinic .*whose key is")

    # -- X-TELEMEDICINE-* headers
    name = new("setid-differs")
    f = next(dicoms)
    signed_mail(name, "inner and outer SETID differ", (hm.entity("hostile.inner.id", 1, 1, [f]), [f]),
                set_values=("hostile.outer.id", 1, 1), reason=r"inner and outer X-TELEMEDICINE-SETID differ")
    name = new("setpart-differs")
    f = next(dicoms)
    signed_mail(name, "inner SETPART 2, outer SETPART 1 (SETTOTAL 2)",
                (hm.entity("hostile.setpart", 2, 2, [f]), [f]), set_values=("hostile.setpart", 1, 2),
                reason=r"inner and outer X-TELEMEDICINE-SETPART differ")
    name = new("setpart-gt-settotal")
    f = next(dicoms)
    signed_mail(name, "SETPART 3 > SETTOTAL 2 (inner and outer)",
                (hm.entity("hostile.gt", 3, 2, [f], manifest=False), [f]), set_values=("hostile.gt", 3, 2),
                reason=r"SETPART 3 is greater than .*SETTOTAL 2")
    name = new("settotal-zero")
    f = next(dicoms)
    signed_mail(name, "SETTOTAL 0 (inner and outer)", (hm.entity("hostile.zero", 1, 0, [f], manifest=False), [f]),
                set_values=("hostile.zero", 1, 0), reason=r"SETTOTAL is 0")
    name = new("settotal-1e9")
    f = next(dicoms)
    signed_mail(name, "SETTOTAL 10^9 (inner and outer)",
                (hm.entity("hostile.huge", 1, 10 ** 9, [f], manifest=False), [f]),
                set_values=("hostile.huge", 1, 10 ** 9), reason=r"SETTOTAL 1000000000 exceeds")
    name = new("inner-settotal-1e9")
    f = next(dicoms)
    signed_mail(name, "outer SETTOTAL 1, inner SETTOTAL 10^9",
                (hm.entity("hostile.innerhuge", 1, 1, [f], manifest=False,
                           inner_set=("hostile.innerhuge", 1, 10 ** 9)), [f]),
                set_values=("hostile.innerhuge", 1, 1), reason=r"inner headers: .*SETTOTAL")

    # -- message/partial
    name = new("missing-fragment")
    f = next(dicoms)
    whole = builder.dicom_mail(mid(name, "whole"), ("hostile.missing", 1, 1),
                               hm.entity("hostile.missing", 1, 1, [f]))
    frags = builder.fragments(whole, "frag-missing@" + hm.DOMAIN, 3, message_id_prefix=name + "-",
                              set_values=("hostile.missing", 1, 1))
    add(Case(name, "message/partial 1 and 3 of 3 (fragment 2 never sent), expired after IncompleteTimeout",
             [frags[0], frags[2]], reason=r"incomplete after"), f)

    name = new("conflicting-totals")
    f = next(dicoms)
    whole = builder.dicom_mail(mid(name, "whole"), ("hostile.conflict", 1, 1),
                               hm.entity("hostile.conflict", 1, 1, [f]))
    frags = builder.fragments(whole, "frag-conflict@" + hm.DOMAIN, 3, totals=[3, 2, 3],
                              message_id_prefix=name + "-", set_values=("hostile.conflict", 1, 1))
    add(Case(name, "message/partial fragments saying total=3, total=2, total=3", frags,
             reason=r"total=2 but an earlier fragment said total=3|total"), f)

    name = new("fragment-number-gt-total")
    f = next(dicoms)
    whole = builder.dicom_mail(mid(name, "whole"), ("hostile.numgt", 1, 1), hm.entity("hostile.numgt", 1, 1, [f]))
    frag = builder.fragments(whole, "frag-numgt@" + hm.DOMAIN, 1, message_id_prefix=name + "-",
                             set_values=("hostile.numgt", 1, 1))[0]
    frag = frag.replace(b"number=1; total=1", b"number=5; total=3")
    add(Case(name, "message/partial number=5 total=3", [frag], reason=r"number=5 is greater than total=3"), f)

    name = new("fragment-flood")
    flood = []
    for number in range(1, FLOOD + 1):
        flood.append(hm.headers(builder.outer_headers("<%s-%d@%s>" % (name, number, hm.DOMAIN),
                                                      ("hostile.flood", 1, 1)) +
                                [("Content-Type", 'message/partial; id="flood@%s"; number=%d; total=%d'
                                  % (hm.DOMAIN, number, FLOOD))]) + hm.CRLF + b"x" * 200 + hm.CRLF)
    add(Case(name, "%d message/partial fragments with one id, total=%d > Limits.MaxFragments %d"
             % (FLOOD, FLOOD, MAX_FRAGMENTS), flood, via="imap", reason=r"exceeds the limit of %d" % MAX_FRAGMENTS))

    # -- resource limits
    name = new("decompression-bomb")
    binary = builder.sign_encrypt(hm.zero_entity("hostile.bomb", BOMB_BYTES), compress_level=9,
                                  compress_algo="bzip2")
    raw = builder.envelope(mid(name), hm.armor(binary), ("hostile.bomb", 1, 1))
    add(Case(name, "%d bytes of OpenPGP (bzip2) that decompress to %d MB (Limits.MaxDecompressedBytes %d MB)"
             % (len(binary), BOMB_BYTES // 1000000, MAX_DECOMPRESSED // 1000000), [raw],
             reason=r"limit|exceed|MaxDecompressedBytes"))

    name = new("nested-1000-inner")
    signed_mail(name, "1000 levels of nested multipart/mixed inside the signed entity",
                (hm.nested_entity("hostile.nested", 1000), []), set_values=("hostile.nested", 1, 1),
                reason=r"nesting deeper than")
    name = new("nested-1000-outer")
    raw = builder.envelope(mid(name), hm.armor(hm.random_bytes(100, 2)), ("hostile.nestedout", 1, 1),
                           first_part=hm.nested_entity("x", 1000))
    add(Case(name, "1000 levels of nested multipart/mixed in the clear-text envelope", [raw],
             reason=r"nesting deeper than|unexpected multipart"))

    name = new("header-10mb")
    f = next(dicoms)
    raw = builder.dicom_mail(mid(name), ("hostile.bighdr", 1, 1), hm.entity("hostile.bighdr", 1, 1, [f]))
    head, _, body = raw.partition(hm.CRLF + hm.CRLF)
    raw = head + hm.CRLF + b"X-Junk: " + b"j" * (10 * 1000 * 1000) + hm.CRLF + hm.CRLF + body
    add(Case(name, "a 10 MB header line (IMAP APPEND)", [raw], via="imap",
             reason=r"header|limit|exceed", matcher=lambda r: r.get("Bytes", 0) > 10000000), f)

    # -- MIME damage inside the authenticated entity
    name = new("invalid-base64")
    f = next(dicoms)
    good = hm.dicom_part(f.data)
    bad = good.replace(hm.b64_lines(f.data)[:40], b"!!!!@@@@####" + hm.b64_lines(f.data)[12:40])
    signed_mail(name, "invalid base64 in the application/dicom part",
                (hm.multipart(hm.set_headers("hostile.b64", 1, 1), [bad], "b64"), [f]),
                set_values=("hostile.b64", 1, 1), reason=r"base64")
    name = new("invalid-base64-armor")
    set_id, cipher, files = real_cipher(name)
    text = hm.armor(cipher)
    text = text.replace(text[40:52], b"!!!!@@@@$$$$", 1)
    raw = builder.envelope(mid(name), text, (set_id, 1, 1))
    add(Case(name, "invalid base64 in the armored OpenPGP block", [raw], reason=r"base64|armor|damaged|invalid"),
        *files)
    name = new("inner-boundary-unclosed")
    f = next(dicoms)
    signed_mail(name, "inner multipart never closed (manifest, then the DICOM part up to the end)",
                (hm.entity("hostile.unclosed", 1, 1, [f], close=False), [f]), set_values=("hostile.unclosed", 1, 1),
                reason=r"never closed|boundary")
    name = new("outer-boundary-unclosed")
    f = next(dicoms)
    plaintext = hm.entity("hostile.outerunclosed", 1, 1, [f])
    raw = builder.envelope(mid(name), hm.armor(builder.sign_encrypt(plaintext)), ("hostile.outerunclosed", 1, 1),
                           close=False)
    add(Case(name, "multipart/encrypted envelope never closed", [raw], reason=r"never closed|boundary"), f)
    name = new("not-dicom")
    fake = hm.random_bytes(4000, 3)
    fake_entry = (None, "IM000001.dcm", hashlib.sha256(fake).hexdigest(), len(fake), "1.2.3.4.5.6.7.8.9")
    signed_mail(name, "application/dicom part that is not DICOM (manifest consistent)",
                (hm.multipart(hm.set_headers("hostile.notdicom", 1, 1),
                              [hm.manifest_part("hostile.notdicom", 1, 1, [fake_entry]), hm.dicom_part(fake)],
                              "nd"), []),
                set_values=("hostile.notdicom", 1, 1), reason=r"not a DICOM file")
    name = new("path-traversal")
    f = next(dicoms)
    evil = "../../../../../../tmp/dicom-mail-evil.dcm"
    signed_mail(name, "file name %s (in the part and the manifest)" % evil,
                (hm.entity("hostile.traversal", 1, 1, [f], names=[evil]), [f]),
                set_values=("hostile.traversal", 1, 1), reason=r"Name|name")

    # -- empty and non-UTF-8
    name = new("empty-mail")
    # Dovecot refuses a 0-byte APPEND: the emptiest mail it stores is one empty line.
    add(Case(name, "an empty mail: one empty line, no header, no body (IMAP APPEND)", [hm.CRLF], via="imap",
             reason=r"empty|no header|not MIME",
             matcher=lambda r: r.get("MessageId") == "" and 0 < r.get("Bytes", -1) <= 2))
    name = new("headers-only")
    add(Case(name, "SET headers and no body at all", [hm.headers(builder.outer_headers(mid(name),
                                                                                     ("hostile.nobody", 1, 1)))
                                                      + hm.CRLF],
             reason=r"not encrypted|empty|no body|not MIME"))
    name = new("non-utf8-setid")
    f = next(dicoms)
    raw = builder.dicom_mail(mid(name), None, hm.entity("hostile.latin", 1, 1, [f]))
    head, _, body = raw.partition(hm.CRLF + hm.CRLF)
    head += hm.CRLF + b"X-TELEMEDICINE-SETID: hostile.\xe9\xff\xfe" + hm.CRLF + \
        b"X-TELEMEDICINE-SETPART: 1" + hm.CRLF + b"X-TELEMEDICINE-SETTOTAL: 1"
    add(Case(name, "Latin-1 / invalid UTF-8 bytes in X-TELEMEDICINE-SETID", [head + hm.CRLF + hm.CRLF + body],
             reason=r"not a valid set id"), f)
    name = new("non-utf8-from-subject")
    f = next(dicoms)
    plaintext = hm.entity("hostile.latin2", 1, 1, [f])
    binary = builder.sign_encrypt(plaintext, signer=None)
    raw = builder.envelope("<%s-\xe9\xff@%s>" % (name, hm.DOMAIN), hm.armor(binary), ("hostile.latin2", 1, 1),
                           sender=b"M\xfcller \xff <hospital@hospital.test>".decode("latin-1"))
    raw = raw.replace(b"M\xc3\xbcller \xc3\xbf", b"M\xfcller \xff").replace(b"-\xc3\xa9\xc3\xbf@", b"-\xe9\xff@")
    raw = raw.replace(b"Subject: DICOM-eMail", b"Subject: Befund \xfc\xe4\xf6 \xff\xfe")
    add(Case(name, "Latin-1 bytes in From, Subject and Message-ID (unsigned)", [raw], reason=r"unsigned"), f)

    # -- manifest
    name = new("manifest-hash")
    f = next(dicoms)
    wrong = "0" * 64
    signed_mail(name, "manifest SHA256 does not match the only instance",
                (hm.entity("hostile.hash", 1, 1, [f], manifest_entries=[hm.entry(f, sha=wrong)]), [f]),
                set_values=("hostile.hash", 1, 1), reason=r"SHA-256 mismatch")
    name = new("manifest-hash-1-of-2")
    f, g = next(dicoms), next(dicoms)
    signed_mail(name, "two instances, the manifest SHA256 of the second is wrong",
                (hm.entity("hostile.hash2", 1, 1, [f, g],
                           manifest_entries=[hm.entry(f, "IM000001.dcm"), hm.entry(g, "IM000002.dcm", sha=wrong)]),
                 [f, g]),
                set_values=("hostile.hash2", 1, 1), reason=r"SHA-256 mismatch")

    # -- no OpenPGP at all
    name = new("plain-dicom-set-headers")
    f = next(dicoms)
    add(Case(name, "clear-text multipart/mixed with application/dicom and SET headers",
             [builder.plain_mail(mid(name), ("hostile.plain", 1, 1), [hm.dicom_part(f.data)])],
             reason=r"not encrypted"), f)
    name = new("plain-dicom-no-set")
    f = next(dicoms)
    add(Case(name, "clear-text multipart/mixed with application/dicom, no SET headers (mail client style)",
             [builder.plain_mail(mid(name), None, [b"Content-Type: text/plain" + hm.CRLF + hm.CRLF + b"Hi" + hm.CRLF,
                                                   hm.dicom_part(f.data)])],
             reason=r"not encrypted"), f)
    name = new("plain-dicom-toplevel")
    f = next(dicoms)
    add(Case(name, "top-level application/dicom body with SET headers",
             [hm.headers(builder.outer_headers(mid(name), ("hostile.top", 1, 1)) +
                         [("Content-Type", "application/dicom"), ("Content-Transfer-Encoding", "base64")]) +
              hm.CRLF + hm.b64_lines(f.data)],
             reason=r"not encrypted"), f)
    return cases


# ---------------------------------------------------------------------------------------------------- fixtures

@pytest.fixture
def sites(mailstack, stack):
    started = []
    hospital_config = site_config("hospital", mailstack)
    hospital_config["Incoming"][0]["PollInterval"] = 86400
    referrer_config = site_config("referrer", mailstack, IncompleteTimeout=1,
                                  Limits={"MaxDecompressedBytes": MAX_DECOMPRESSED, "MaxFragments": MAX_FRAGMENTS})
    referrer_config["Incoming"][0]["PollInterval"] = 86400
    hospital = make_server("hospital", mailstack, hospital_config)
    referrer = make_server("referrer", mailstack, referrer_config)
    for server in (hospital, referrer):
        started.append(server)
        server.start()
    yield hospital, referrer
    for server in started:
        server.stop()


def export_site_secret(server_name):
    home = os.path.join(ROOT, server_name, "g")
    result = subprocess.run(["gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
                             "--armor", "--export-secret-keys"], capture_output=True, timeout=60)
    assert result.returncode == 0 and b"PRIVATE KEY" in result.stdout, result.stderr
    return result.stdout


# ---------------------------------------------------------------------------------------------------- checks

PRINTABLE = re.compile(r"^[^\x00-\x1f\x7f]+$")


def readable(reason):
    return isinstance(reason, str) and 3 <= len(reason) <= 4000 and PRINTABLE.match(reason) is not None


def sop_uids(server):
    return {i["MainDicomTags"]["SOPInstanceUID"] for i in server.get("/instances?expand")}


def short(text, n=110):
    text = (text or "").replace("|", "/").replace("\n", " ")
    return text if len(text) <= n else text[:n - 3] + "..."


def test_hostile_mails_next_to_a_good_one(sites, stack, tmp_path, artifacts):
    hospital, referrer = sites
    pair(hospital, "hospital", referrer, "referrer")
    hospital_key = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    referrer_key = referrer.get("/dicom-mail/keys/site")
    gpg = StockGpg(os.path.join(ROOT, "hg"))
    try:
        gpg.import_key(export_site_secret("hospital"))
        gpg.import_key(referrer_key["PublicKey"])
        keys = {
            "stranger": gpg.quick_gen_key("Stranger <stranger@nowhere.test>", "future-default"),
            "outsider": gpg.quick_gen_key("Outsider <%s>" % OUTSIDER, "future-default"),
            "clinic": gpg.quick_gen_key("Clinic <%s>" % CLINIC, "future-default"),
        }
        # outsider: imported on referrer, never certified; clinic: a certified partner of referrer.
        referrer.post("/dicom-mail/keys", gpg.export(keys["outsider"]))
        referrer.post("/dicom-mail/keys", gpg.export(keys["clinic"]))
        referrer.post("/dicom-mail/keys/%s/certify" % keys["clinic"], {})
        referrer.put("/dicom-mail/partners/clinic", {"Addresses": [CLINIC], "Fingerprint": keys["clinic"]})

        hostile_files = generate_study.generate_study(str(tmp_path / "hostile"), seed=909, slices=45, series=1,
                                                      rows=32, cols=32, patient_name="Hostile^Case")
        dicoms = iter([hm.DicomFile(p) for p in hostile_files])
        builder = hm.HostileMailBuilder(gpg, hospital_key, referrer_key["Fingerprint"], HOSPITAL, REFERRER)
        t0 = time.monotonic()
        cases = build_cases(builder, dicoms, keys)
        build_seconds = time.monotonic() - t0
        all_hostile = {d.sop_uid for d in (hm.DicomFile(p) for p in hostile_files)}

        # ---- delivery of the bad mails
        smtp = [raw for c in cases if c.via == "smtp" for raw in c.raws]
        imap = [raw for c in cases if c.via == "imap" for raw in c.raws]
        smtp_send_all(stack, smtp, REFERRER)
        imap_append_all(stack, imap, REFERRER)
        hostile_count = len(smtp) + len(imap)
        stack.wait_count(REFERRER, hostile_count, timeout=120)

        # ---- the good mail, last in the mailbox
        good_files = generate_study.generate_study(str(tmp_path / "good"), seed=5, slices=2, series=1, rows=64,
                                                   cols=64, patient_name="Good^Study")
        for path in good_files:
            hospital.upload_dicom(path)
        good_sops = sop_uids(hospital)
        answer = hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": "referrer"})
        job = hospital.wait_job(answer["ID"], timeout=120)
        assert job["State"] == "Success", job
        good_set = answer["SetId"]
        stack.wait_count(REFERRER, hostile_count + 1, timeout=120)
        good_raw = None
        for uid, raw in stack.fetch_all(REFERRER):
            if ("X-TELEMEDICINE-SETID: " + good_set).encode() in raw[:20000]:
                good_raw = raw
        assert good_raw is not None, "the good mail is not in referrer's INBOX"
        good_mid = _header_value(good_raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n", "Message-ID")

        # ---- duplicate of the good mail; forged acknowledgements of it to hospital
        name = "h%02d-duplicate" % (len(cases) + 1)
        duplicate = Case(name, "the good mail a second time (IMAP APPEND of a copy)", [good_raw], via="imap",
                         expect="Processed", matcher=lambda r: False)
        imap_append_all(stack, [good_raw], REFERRER)
        stack.wait_count(REFERRER, hostile_count + 2, timeout=60)
        forged = []
        for label, signer in (("forged-mdn", None), ("forged-mdn-stranger", keys["stranger"])):
            n = "h%02d-%s" % (len(cases) + 2 + len(forged), label)
            raw = builder.mdn(mid(n), good_mid, good_set, 1, REFERRER, HOSPITAL, signer=signer)
            forged.append(Case(n, "acknowledgement \"displayed\" of the good mail, %s, sent to hospital"
                               % ("unsigned" if signer is None else "signed by an unknown key"), [raw],
                               reason=r"acknowledgement not accepted"))
        smtp_send_all(stack, [c.raws[0] for c in forged], HOSPITAL)
        stack.wait_count(HOSPITAL, len(forged), timeout=60)

        # ---- hospital reads the forged acknowledgements first
        hospital.post("/dicom-mail/fetch", {})
        outbox = hospital.get("/dicom-mail/outbox/" + good_set)
        forged_not_acknowledged = outbox["State"] != "acknowledged" and \
            not any((m.get("Acknowledgement") or "") for m in outbox["Mails"])
        hospital_records = hospital.get("/dicom-mail/mails")
        hospital_rejected = folder_index(stack, HOSPITAL, "Rejected")

        # ---- one poll at referrer for everything
        pid = referrer.pid
        t1 = time.monotonic()
        summary = referrer.post("/dicom-mail/fetch", {}, timeout=900)
        poll_seconds = time.monotonic() - t1
        time.sleep(2)   # IncompleteTimeout is 1 s: a second poll refuses waiting fragments
        summary2 = referrer.post("/dicom-mail/fetch", {}, timeout=900)

        alive = referrer.is_running() and referrer.pid == pid and referrer.get("/system")["Name"] == "referrer"
        records = referrer.get("/dicom-mail/mails")
        folders = {f: folder_index(stack, REFERRER, f)
                   for f in ("INBOX", "Rejected", "Processed", "DICOM-Mail-Claimed")}
        received = sop_uids(referrer)
        inbox_good = referrer.get("/dicom-mail/inbox/" + good_set)

        # ---- hospital now gets the real acknowledgement (positive control for the forged ones)
        def acknowledged():
            hospital.post("/dicom-mail/fetch", {})
            return hospital.get("/dicom-mail/outbox/" + good_set)["State"] == "acknowledged"
        deadline = time.monotonic() + 60
        real_ack = acknowledged()
        while not real_ack and time.monotonic() < deadline:
            time.sleep(1)
            real_ack = acknowledged()
    finally:
        gpg.close()

    # ---------------------------------------------------------------------------------------------- evaluation
    failures = []
    rows = []

    def where(case, folder_map):
        places = []
        for folder, entries in folder_map.items():
            n = sum(1 for (_, m, size) in entries if case.owns_mid(m, size))
            if n:
                places.append("%s:%d" % (folder, n))
        return places

    for case in cases + forged:
        problems = []
        on_hospital = case in forged
        recs = [r for r in (hospital_records if on_hospital else records) if case.owns_record(r)]
        states = sorted({r["State"] for r in recs})
        folder_map = {"Rejected": hospital_rejected} if on_hospital else folders
        places = where(case, folder_map)
        kept = sum(int(p.split(":")[1]) for p in places if p.startswith(case.expect + ":"))
        if kept < case.count:
            problems.append("kept %d of %d mails in %s (found: %s)" % (kept, case.count, case.expect,
                                                                      ", ".join(places) or "nowhere"))
        if not recs:
            problems.append("not listed in /dicom-mail/mails")
        for r in recs:
            if r["State"] not in NOT_IMPORTED:
                problems.append("listed as %s" % r["State"])
            if not readable(r["Reason"]):
                problems.append("unreadable reason %r" % r["Reason"][:80])
            elif not re.search(case.reason, r["Reason"], re.I):
                problems.append("reason does not say why (expected /%s/)" % case.reason)
        imported = case.sop_uids & received
        if imported:
            problems.append("IMPORTED %d instance(s)" % len(imported))
        reason = recs[0]["Reason"] if recs else ""
        if case.name.endswith("fragment-flood"):
            reason = "%d records; first: %s" % (len(recs), reason)
        verdict = "ok" if not problems else "BUG: " + "; ".join(problems)
        if problems:
            failures.append("%s: %s" % (case.name, "; ".join(problems)))
        rows.append((case.name, case.what, case.via + (" to hospital" if on_hospital else ""),
                     ",".join(states) or "-", ",".join(places) or "-", short(reason, 140), verdict))

    # duplicate: processed once, moved to Processed, nothing listed twice
    dup_problems = []
    good_records = [r for r in records if r["SetId"] == good_set]
    if len(good_records) != 1 or good_records[0]["State"] != "imported":
        dup_problems.append("records of the good set: %s" % [(r["State"], r["Reason"]) for r in good_records])
    dup_in_processed = sum(1 for (_, m, _) in folders["Processed"] if m == good_mid)
    if dup_in_processed != 2:
        dup_problems.append("%d copies of the good mail in Processed, expected 2" % dup_in_processed)
    if sum(s.get("Duplicates", 0) for s in summary) != 1:
        dup_problems.append("poll summary does not count one duplicate: %s" % summary)
    if inbox_good["InstancesImported"] != len(good_sops):
        dup_problems.append("good transfer: InstancesImported %s" % inbox_good["InstancesImported"])
    if dup_problems:
        failures.append("duplicate: " + "; ".join(dup_problems))
    rows.append((duplicate.name, duplicate.what, "imap", "imported once", "Processed:%d" % dup_in_processed,
                 "duplicate of a mail already imported (answered, not imported again)",
                 "ok" if not dup_problems else "BUG: " + "; ".join(dup_problems)))

    # global checks
    if not alive:
        failures.append("referrer Orthanc died or restarted (pid %s -> %s)" % (pid, referrer.pid))
    if received != good_sops:
        failures.append("referrer holds %d instances: %d of the good study, %d hostile, %d other"
                        % (len(received), len(received & good_sops), len(received & all_hostile),
                           len(received - good_sops - all_hostile)))
    if not forged_not_acknowledged:
        failures.append("hospital's outbox marked acknowledged by a forged MDN: %s" % outbox)
    if not real_ack:
        failures.append("the real acknowledgement of the good mail did not mark hospital's outbox acknowledged")

    # ---------------------------------------------------------------------------------------------- table
    lines = ["# Hostile mail: cases and outcomes", "",
             "One poll at referrer for %d bad mails (%d cases) and one good DICOM-Mail (%d instances). "
             "Built in %.0f s, polled in %.0f s. Poll summary: `%s`; second poll: `%s`."
             % (hostile_count + 1, len(cases) + 1, len(good_sops), build_seconds, poll_seconds, summary, summary2),
             "",
             "Referrer Orthanc alive with the same PID: %s. Instances at referrer: %d (good study: %d, hostile: %d). "
             "Forged acknowledgements left hospital's outbox unacknowledged: %s; the real one acknowledged it: %s."
             % (alive, len(received), len(received & good_sops), len(received & all_hostile),
                forged_not_acknowledged, real_ack),
             "",
             "| case | bad mail | delivered | state | kept in | reason given | verdict |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append("| " + " | ".join(str(x).replace("|", "/") for x in row) + " |")
    table = "\n".join(lines) + "\n"
    print("\n" + table)
    with open(os.path.join(artifacts, "hostile-mail-table.md"), "w") as f:
        f.write(table)

    assert not failures, "%d problem(s):\n%s" % (len(failures), "\n".join(failures))
