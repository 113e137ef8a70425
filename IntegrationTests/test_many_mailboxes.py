# SPDX-License-Identifier: GPL-3.0-or-later
"""A hub polling 20 mailboxes starves none of them while one is busy with a large transfer (issue 25).

"referrer" polls 20 mailboxes every 2 s, its own first: that one holds a large transfer of many mails, the other
19 (hub01..hub19@hub.test) are empty. Once the poll of the large transfer is under way, one small transfer is put
into each of the 19. Each must be imported, and each of the 19 mailboxes polled at least twice more, while the
large transfer is still in that one poll (its records and GET /dicom-mail/status say so). A single worker that
polled the mailboxes one after the other fails here: no other mailbox is polled until the large poll ends.
Nothing here depends on the machine's speed but the large transfer outlasting a few polls of the others.
"""
from conftest import SITES, make_server, pair, site_config
from fault_tools import wait_for
from mail_client import MailStack
import generate_study

HOSPITAL = SITES["hospital"][2]
REFERRER = SITES["referrer"][2]
HUBS = ["hub%02d@hub.test" % n for n in range(1, 20)]
LARGE_SLICES = 160          # 512 x 512 CT, about 84 MB
LARGE_MAIL_SIZE = 1000000   # one slice a mail: a poll that lasts a while
POLLS_MEANWHILE = 2


def accounts(server):
    return {a["Name"]: a for a in server.get("/dicom-mail/status")["Accounts"]}


def inbox_transfer(server, set_id):
    for t in server.get("/dicom-mail/inbox?setid=%s&qa=include" % set_id):
        if t["SetId"] == set_id:
            return t
    return None


def is_complete(transfer):
    return transfer is not None and transfer["State"] in ("complete", "complete-with-warnings")


def receiver_config(mailstack, stack):
    """referrer's own mailbox ("inbox", first) and the 19 hub mailboxes, all every 2 s."""
    config = site_config("referrer", mailstack)
    own = config["Incoming"][0]
    assert own["PollInterval"] == 2
    config["Incoming"] = [own] + [dict(own, Name=user.split("@")[0], User=user, Password=stack.password(user))
                                  for user in HUBS]
    return config


def send_and_wait(hospital, resources):
    set_id = hospital.post("/dicom-mail/send", {"Resources": resources, "Partner": "referrer"})["SetId"]

    def sent():
        t = hospital.get("/dicom-mail/outbox/" + set_id)
        assert t["State"] not in ("failed", "canceled"), t
        return t if t["MailsSent"] == t["TotalMails"] and t["TotalMails"] > 0 else None
    return set_id, wait_for(sent, 300, "transfer %s sent" % set_id)["TotalMails"]


def small_mails(hospital, stack, directory):
    """One small transfer per hub mailbox, sent while referrer is stopped; their raw mails, taken out of
    referrer's mailbox again (their To: is referrer's address, which the receiver does not judge)."""
    set_ids = []
    for n in range(len(HUBS)):
        paths = generate_study.generate_study("%s/small%02d" % (directory, n), seed=2500 + n, slices=1, series=1,
                                              rows=64, cols=64)
        instance = hospital.upload_dicom(paths[0])["ID"]
        set_ids.append(send_and_wait(hospital, [instance])[0])
    mails = [raw for _, raw in stack.wait_messages(REFERRER, len(HUBS), timeout=120)]
    assert len(mails) == len(HUBS)
    stack.delete_all(REFERRER)
    return set_ids, mails


def empty_mailboxes(stack):
    """The mailboxes this test fills; emptied after it too, since hospital leaves its acknowledgements unread
    and later tests of the same mail stack would find them."""
    for user in [HOSPITAL, REFERRER] + HUBS:
        for folder in stack.folders(user):
            stack.delete_all(user, folder)


def test_polling_20_mailboxes_starves_none(mailstack, tmp_path):
    stack = MailStack(mailstack["dir"])
    empty_mailboxes(stack)
    # hospital polls nothing: its acknowledgements wait in its mailbox.
    hospital = make_server("hospital", mailstack, site_config("hospital", mailstack, Incoming=[]))
    referrer = make_server("referrer", mailstack, receiver_config(mailstack, stack))
    hospital.start()
    referrer.start()
    try:
        pair(hospital, "hospital", referrer, "referrer")
        referrer_key = referrer.get("/dicom-mail/keys/site")["Fingerprint"]
        referrer.stop()   # the mail waits in the mailboxes until the receiver starts again
        small_set_ids, small_raw = small_mails(hospital, stack, str(tmp_path))

        hospital.put("/dicom-mail/partners/referrer", {
            "Addresses": [REFERRER], "MaxMailSize": LARGE_MAIL_SIZE,
            "Fingerprint": referrer_key})
        large = generate_study.generate_study(str(tmp_path / "large"), seed=2525, slices=LARGE_SLICES, series=1)
        study = {hospital.upload_dicom(path)["ParentStudy"] for path in large}
        large_set_id, large_mails = send_and_wait(hospital, sorted(study))
        stack.wait_count(REFERRER, large_mails, timeout=120)

        referrer.start()
        # The large transfer's poll is under way: some of its mails are imported, the poll has not ended.
        wait_for(lambda: (inbox_transfer(referrer, large_set_id) or {}).get("MailsReceived", 0) >= 1, 120,
                 "the first mails of the large transfer imported")
        before = accounts(referrer)
        assert before["inbox"]["PollingSince"] is not None, before["inbox"]
        large_polls = before["inbox"]["Polls"]

        for user, raw in zip(HUBS, small_raw):
            stack.append(user, raw)   # mail arrives at each of the others now

        def others_served_or_large_over():
            now = accounts(referrer)
            if now["inbox"]["Polls"] != large_polls:
                return now   # the large poll ended: too late for the others, asserted below
            if not all(now[u.split("@")[0]]["Polls"] >= before[u.split("@")[0]]["Polls"] + POLLS_MEANWHILE
                       for u in HUBS):
                return None
            return now if all(is_complete(inbox_transfer(referrer, s)) for s in small_set_ids) else None
        during = wait_for(others_served_or_large_over, 240, "the 19 small transfers, or the end of the large poll")
        large_then = inbox_transfer(referrer, large_set_id)

        assert during["inbox"]["Polls"] == large_polls, \
            "the large transfer's poll ended before every other mailbox was served: %s" % during["inbox"]
        assert during["inbox"]["PollingSince"] == before["inbox"]["PollingSince"], during["inbox"]
        assert not is_complete(large_then), large_then
        assert large_then["MailsReceived"] < large_mails, large_then
        for user, set_id in zip(HUBS, small_set_ids):
            name = user.split("@")[0]
            assert during[name]["Polls"] >= before[name]["Polls"] + POLLS_MEANWHILE, during[name]
            assert during[name]["State"] == "ok", during[name]
            transfer = inbox_transfer(referrer, set_id)
            assert transfer["InstancesImported"] == 1, transfer

        # And the large transfer arrives whole.
        done = wait_for(lambda: (lambda t: t if is_complete(t) else None)(inbox_transfer(referrer, large_set_id)),
                        300, "the large transfer complete")
        assert done["MailsReceived"] == large_mails and done["InstancesImported"] == LARGE_SLICES, done
        after = wait_for(lambda: (lambda a: a if a["inbox"]["Polls"] > large_polls else None)(accounts(referrer)),
                         60, "the end of the large poll")
        for account in after.values():
            if account["Kind"] == "incoming":
                assert account["State"] == "ok", account
        print("large transfer: %d mails, its poll %s s, %d mails in when the others were served; they were "
              "polled %s times meanwhile" % (large_mails, after["inbox"]["LastPollSeconds"], large_then["MailsReceived"],
                 sorted(during[u.split("@")[0]]["Polls"] - before[u.split("@")[0]]["Polls"] for u in HUBS)))
    finally:
        referrer.stop()
        hospital.stop()
        empty_mailboxes(stack)
