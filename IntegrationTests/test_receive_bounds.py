# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 14, points 3-5: what a stranger's mail may cost the receiver, played with real mail.

Only "referrer" runs (an Orthanc with the plugin, polling by POST /dicom-mail/fetch); its partner "hospital" is a
stock gpg home whose key referrer certified, so this file needs no second Orthanc. Mail goes straight into referrer's
INBOX by IMAP APPEND (what a hostile sender gets through any MTA).

- strangers' unsigned / unknown-signer mails are rejected, never quarantined, and kept-mail stays under
  KeptMail.MaxBytes, the quarantined mails From a partner address included;
- a small mail that expands beyond the ratio is rejected for good on the first poll, naming the limit;
- a message/partial group is refused once its fragments together pass MaxMailBytes, and fragments past
  MaxFragments are refused;
- an incomplete group older than IncompleteTimeout is reported, moved to Rejected and forgotten: a late fragment
  starts a fresh group (it waits in the IMAP claim folder, and expires the same way);
- too little free space (Limits.MinFreeDiskMB on a small tmpfs) leaves the mail on the server with a clear account
  status; it is imported once space is back.
"""
import imaplib
import os
import re
import time

import pytest

from conftest import ROOT, SITES, make_server, site_config
from fault_tools import SmallTmpfs, wait_for
from stock_gpg import StockGpg
import generate_study
import hostile_mails as hm

# Fragments waiting for their siblings stay claimed by the poller (see test_two_pollers.py).
WAITING = "DICOM-Mail-Claimed"

HOSPITAL = SITES["hospital"][2]
REFERRER = SITES["referrer"][2]
STRANGERS = 2000
PARTNER_FROM = 150
KEPT_CAP = 60000


# ---------------------------------------------------------------------------------------------------- fixtures

@pytest.fixture
def gpg():
    home = StockGpg(os.path.join(ROOT, "rb"))
    yield home
    home.close()


@pytest.fixture
def receiver(mailstack, stack, gpg):
    """start(**overrides) -> (referrer server, MailBuilder); referrer knows partner hospital (a stock gpg key)."""
    started = []

    def start(extra_config=None, **overrides):
        config = site_config("referrer", mailstack, **overrides)
        config["Incoming"][0]["PollInterval"] = 86400
        server = make_server("referrer", mailstack, config, extra_config)
        started.append(server)
        server.start()
        hospital_key = gpg.quick_gen_key("Hospital <%s>" % HOSPITAL, "future-default")
        stranger_key = gpg.quick_gen_key("Stranger <stranger@nowhere.test>", "future-default")
        server.post("/dicom-mail/keys", gpg.export(hospital_key))
        server.post("/dicom-mail/keys/%s/certify" % hospital_key, {})
        server.put("/dicom-mail/partners/hospital", {"Addresses": [HOSPITAL], "Fingerprint": hospital_key})
        referrer_key = server.get("/dicom-mail/keys/site")
        gpg.import_key(referrer_key["PublicKey"])
        builder = hm.HostileMailBuilder(gpg, hospital_key, referrer_key["Fingerprint"], HOSPITAL, REFERRER)
        builder.stranger_key = stranger_key
        return server, builder

    yield start
    for server in started:
        server.stop()


# ---------------------------------------------------------------------------------------------------- helpers

def append_all(stack, raws, user=REFERRER):
    with stack.imap(user) as conn:
        for raw in raws:
            typ, data = conn.append("INBOX", None, imaplib.Time2Internaldate(time.time()), raw)
            assert typ == "OK", (typ, data)


def with_header(raw, name, value):
    """`raw` with one header field replaced (the first occurrence)."""
    head, sep, body = raw.partition(hm.CRLF + hm.CRLF)
    lines = head.split(hm.CRLF)
    key = name.encode().lower() + b":"
    for i, line in enumerate(lines):
        if line.lower().startswith(key):
            lines[i] = name.encode() + b": " + value.encode()
            break
    return hm.CRLF.join(lines) + sep + body


def records(server):
    return server.get("/dicom-mail/mails?limit=100000")


def mine(recs, prefix):
    return [r for r in recs if r.get("MessageId", "").startswith("<" + prefix)]


def message_ids(stack, folder):
    with stack.imap(REFERRER) as conn:
        typ, data = conn.select('"%s"' % folder, readonly=True)
        if typ != "OK" or int(data[0]) == 0:
            return []
        typ, data = conn.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        if typ != "OK" or data == [None]:
            return []
        return [re.search(rb"<[^>]*>", item[1]).group(0).decode() for item in data
                if isinstance(item, tuple) and re.search(rb"<[^>]*>", item[1])]


def kept_bytes(directory):
    if not os.path.isdir(directory):
        return 0, 0
    files = [os.path.join(directory, f) for f in os.listdir(directory)]
    return len(files), sum(os.path.getsize(f) for f in files)


def fetch(server):
    return server.post("/dicom-mail/fetch", {}, timeout=900)


def small_entity(set_id):
    return hm.headers(hm.set_headers(set_id, 1, 1)) + b"Content-Type: text/plain" + hm.CRLF + hm.CRLF + \
        b"nothing to see" + hm.CRLF


# ---------------------------------------------------------------------------------------------------- 3: kept-mail

def test_strangers_cannot_fill_kept_mail(receiver, stack):
    referrer, builder = receiver(KeptMail={"MaxBytes": KEPT_CAP, "MaxAgeDays": 30})
    # One ciphertext each for "unsigned" and "unknown signer"; every copy gets its own From and Message-ID.
    unsigned = builder.dicom_mail("<rb-template@x>", ("bounds.stranger", 1, 1), small_entity("bounds.stranger"),
                                  signer=None, sender="nobody@stranger.test")
    foreign = builder.dicom_mail("<rb-template@x>", ("bounds.stranger", 1, 1), small_entity("bounds.stranger"),
                                 signer=builder.stranger_key, sender="nobody@stranger.test")
    strangers = []
    for i in range(STRANGERS):
        raw = with_header(unsigned if i % 2 else foreign, "From", "spam%d@stranger%d.test" % (i, i % 7))
        strangers.append(with_header(raw, "Message-ID", "<rb-s-%05d@stranger.test>" % i))
    partner_from = []
    for i in range(PARTNER_FROM):
        raw = with_header(foreign if i % 2 else unsigned, "Message-ID", "<rb-p-%05d@hostile.test>" % i)
        partner_from.append(with_header(raw, "From", HOSPITAL))
    append_all(stack, strangers + partner_from)
    stack.wait_count(REFERRER, STRANGERS + PARTNER_FROM, timeout=120)

    started = time.monotonic()
    fetch(referrer)
    seconds = time.monotonic() - started
    recs = records(referrer)
    kept_dir = os.path.join(ROOT, "referrer", "kept-mail")
    count, size = kept_bytes(kept_dir)
    print("%d stranger + %d partner-From mails polled in %.1f s; kept-mail: %d files, %d bytes (cap %d)"
          % (STRANGERS, PARTNER_FROM, seconds, count, size, KEPT_CAP))

    stranger_recs = mine(recs, "rb-s-")
    assert len(stranger_recs) == STRANGERS
    states = {r["State"] for r in stranger_recs}
    assert states == {"rejected"}, "a stranger's mail was quarantined: %s" % states
    assert all("not quarantined" in r["Reason"] for r in stranger_recs), stranger_recs[0]
    assert not any(r["Kept"] for r in stranger_recs), "IMAP keeps rejected mail in its folder, not on our disk"

    partner_recs = mine(recs, "rb-p-")
    assert len(partner_recs) == PARTNER_FROM
    assert {r["State"] for r in partner_recs} == {"quarantined"}
    assert size <= KEPT_CAP, "kept-mail holds %d bytes, more than KeptMail.MaxBytes %d" % (size, KEPT_CAP)
    # The copies are counted in the cap: not all were kept, the newest are.
    assert 0 < count < PARTNER_FROM
    assert partner_recs and max(partner_recs, key=lambda r: r["Id"])["Kept"]
    assert len(message_ids(stack, "Rejected")) == STRANGERS + PARTNER_FROM   # nothing lost
    assert referrer.get("/system")["Name"] == "referrer"


# ---------------------------------------------------------------------------------------------------- 4: ratio

def test_small_mail_expanding_beyond_the_ratio_is_rejected_once(receiver, stack):
    referrer, builder = receiver(Limits={"DecompressionFloorBytes": 2000000})
    binary = builder.sign_encrypt(hm.zero_entity("bounds.bomb", 60 * 1000 * 1000), compress_level=9,
                                  compress_algo="bzip2")
    raw = builder.envelope("<rb-bomb@hostile.test>", hm.armor(binary), ("bounds.bomb", 1, 1))
    assert len(raw) < 20000
    append_all(stack, [raw])
    stack.wait_count(REFERRER, 1)

    fetch(referrer)
    first = mine(records(referrer), "rb-bomb")
    assert len(first) == 1, first
    assert first[0]["State"] == "rejected", first
    assert "DecompressionRatio" in first[0]["Reason"] and "exceeds the limit of" in first[0]["Reason"], first
    assert message_ids(stack, "INBOX") == [] and message_ids(stack, "Rejected") == ["<rb-bomb@hostile.test>"]

    fetch(referrer)   # nothing left to expand again
    assert len(mine(records(referrer), "rb-bomb")) == 1
    work = os.path.join(ROOT, "referrer", "work")
    assert [f for f in os.listdir(work) if f.startswith("dm-")] == []


# ---------------------------------------------------------------------------------------------------- 5: fragments

def fragment(builder, partial_id, number, total, body, prefix):
    top = hm.headers(builder.outer_headers("<%s-%d@hostile.test>" % (prefix, number), ("bounds.frag", 1, 1)) +
                     [("Content-Type", 'message/partial; id="%s"; number=%d%s'
                       % (partial_id, number, "; total=%d" % total if total else ""))])
    return top + hm.CRLF + body


def test_fragment_flood_stops_at_the_bounds(receiver, stack):
    referrer, builder = receiver(Limits={"MaxMailBytes": 200000, "MaxFragments": 12}, IncompleteTimeout=3600)
    # Group 1: total=12 announced, 30 KB each: the seventh passes 200000 bytes together.
    big = [fragment(builder, "big@hostile.test", n, 12, hm.b64_lines(hm.random_bytes(22000, n)), "rb-big")
           for n in range(1, 11)]
    # Group 2: no total, numbers 1..15 > MaxFragments 12.
    many = [fragment(builder, "many@hostile.test", n, 0, b"x" * 100 + hm.CRLF, "rb-many") for n in range(1, 16)]
    append_all(stack, big + many)
    stack.wait_count(REFERRER, len(big) + len(many))

    fetch(referrer)
    recs = records(referrer)
    big_recs = mine(recs, "rb-big")
    refused = [r for r in big_recs if "together" in r["Reason"] and "MaxMailBytes" in r["Reason"]]
    assert len(refused) == 1, big_recs
    rejected = message_ids(stack, "Rejected")
    inbox = message_ids(stack, WAITING)
    big_rejected = sorted(int(m.split("-")[2].split("@")[0]) for m in rejected if m.startswith("<rb-big"))
    # Refused as soon as the sum passed the bound: fragments 1-7; 8-10 start a fresh group and wait.
    sizes = [len(b) for b in big]
    passed = next(i for i in range(len(sizes)) if sum(sizes[:i + 1]) > 200000) + 1
    assert big_rejected == list(range(1, passed + 1)), (big_rejected, passed)
    assert sorted(m for m in inbox if m.startswith("<rb-big")) == \
        sorted("<rb-big-%d@hostile.test>" % n for n in range(passed + 1, 11))

    many_rejected = sorted(int(m.split("-")[2].split("@")[0]) for m in rejected if m.startswith("<rb-many"))
    assert many_rejected == [13, 14, 15], many_rejected
    assert all(re.search(r"exceeds the limit of 12", r["Reason"]) for r in mine(recs, "rb-many")), \
        mine(recs, "rb-many")
    work = os.path.join(ROOT, "referrer", "work")
    assert [f for f in os.listdir(work) if f.startswith("dm-")] == []


def test_incomplete_group_expires(receiver, stack):
    referrer, builder = receiver(IncompleteTimeout=3)
    whole = builder.dicom_mail("<rb-exp-whole@hostile.test>", ("bounds.expire", 1, 1),
                               small_entity("bounds.expire"))
    frags = builder.fragments(whole, "expire@hostile.test", 3, message_id_prefix="rb-exp-",
                              set_values=("bounds.expire", 1, 1))
    append_all(stack, [frags[0], frags[2]])
    stack.wait_count(REFERRER, 2)
    fetch(referrer)
    assert sorted(message_ids(stack, WAITING)) == ["<rb-exp-1@hostile.test>", "<rb-exp-3@hostile.test>"]

    time.sleep(4)
    fetch(referrer)
    assert message_ids(stack, "INBOX") == [] and message_ids(stack, WAITING) == []
    assert sorted(message_ids(stack, "Rejected")) == ["<rb-exp-1@hostile.test>", "<rb-exp-3@hostile.test>"]
    reported = [r for r in mine(records(referrer), "rb-exp-") if "incomplete after 3 s" in r["Reason"]]
    assert len(reported) == 1 and reported[0]["State"] == "rejected", reported
    assert "2 of 3 fragments" in reported[0]["Reason"]

    # The state is gone: a late fragment 2 starts a fresh group (no reassembly with fragments now rejected),
    # waits, and expires the same way.
    append_all(stack, [frags[1]])
    stack.wait_count(REFERRER, 1)
    fetch(referrer)
    assert message_ids(stack, WAITING) == ["<rb-exp-2@hostile.test>"]
    assert len([r for r in mine(records(referrer), "rb-exp-") if "incomplete" in r["Reason"]]) == 1
    time.sleep(4)
    fetch(referrer)
    assert message_ids(stack, "INBOX") == [] and message_ids(stack, WAITING) == []
    late = [r for r in mine(records(referrer), "rb-exp-") if "incomplete" in r["Reason"]]
    assert len(late) == 2 and "1 of 3 fragments" in max(late, key=lambda r: r["Id"])["Reason"], late


# ---------------------------------------------------------------------------------------------------- 3: free space

def test_too_little_free_space_leaves_the_mail_on_the_server(receiver, stack, tmp_path):
    small = os.path.join(ROOT, "rb-small-work")
    tmpfs = SmallTmpfs(small, "40m")
    referrer = None
    try:
        referrer, builder = receiver(WorkingDirectory=small, Limits={"MinFreeDiskMB": 60})
        paths = generate_study.generate_study(str(tmp_path / "s"), seed=71, slices=4, series=1,
                                              patient_name="Space^Test")
        dicoms = [hm.DicomFile(p) for p in paths]
        raw = builder.dicom_mail("<rb-space@hostile.test>", ("bounds.space", 1, 1),
                                 hm.entity("bounds.space", 1, 1, dicoms))
        append_all(stack, [raw])
        stack.wait_count(REFERRER, 1)

        summary = fetch(referrer)
        errors = " ".join(str(s.get("Error", "")) for s in summary)
        assert "not enough free disk space" in errors and small in errors, summary
        status = {a["Name"]: a for a in referrer.get("/dicom-mail/status")["Accounts"]}["inbox"]
        assert status["State"] == "error" and "MinFreeDiskMB" in status["Message"], status
        assert message_ids(stack, "INBOX") == ["<rb-space@hostile.test>"]
        assert mine(records(referrer), "rb-space") == []
        assert referrer.get("/instances") == []

        tmpfs.resize("400m")
        fetch(referrer)
        wait_for(lambda: len(referrer.get("/instances")) == len(paths), 60, "the study")
        assert message_ids(stack, "INBOX") == []
        assert [r["State"] for r in mine(records(referrer), "rb-space")] == ["imported"]
        status = {a["Name"]: a for a in referrer.get("/dicom-mail/status")["Accounts"]}["inbox"]
        assert status["State"] == "ok", status
    finally:
        if referrer is not None:
            referrer.stop()
        tmpfs.close()
