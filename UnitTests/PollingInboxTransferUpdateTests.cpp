// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/InboxTransferUpdate.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  InboxMail Mail(int64_t id, unsigned int part, const std::string& state)
  {
    InboxMail m;
    m.id = id;
    m.setId = "s.1";
    m.part = part;
    m.state = ParseInboxMailState(state);
    return m;
  }

  std::string StateText(const InboxTransfer& transfer, const std::vector<InboxMail>& recorded,
                        const InboxMail& newMail, unsigned int& partsReceived)
  {
    return ToString(InboxTransferUpdate::StateOf(transfer, recorded, newMail, partsReceived));
  }

  ProcessResult Result(unsigned int part, unsigned int total, ProcessOutcome outcome)
  {
    ProcessResult r;
    r.authenticated = true;
    r.setId = "s.1";
    r.part = part;
    r.total = total;
    r.outcome = outcome;
    r.partner = "clinic";
    r.signerFingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";
    r.fromAddress = "clinic@site-c.test";
    return r;
  }
}

TEST(PollingInboxTransferUpdate, NewTransferFromTheAuthenticatedMail)
{
  InboxTransfer t;
  ProcessResult r = Result(1, 2, ProcessOutcome::Imported);
  r.stored = 3;
  InboxTransferUpdate::Apply(r, Mail(0, 1, "imported"), {}, t);
  EXPECT_EQ("s.1", t.setId);
  EXPECT_EQ("clinic", t.partner);
  EXPECT_EQ("clinic@site-c.test", t.senderAddress);
  EXPECT_EQ(2u, t.mailsExpected);
  EXPECT_EQ(1u, t.mailsReceived);
  EXPECT_EQ(3u, t.instancesImported);
  EXPECT_STREQ("receiving", ToString(t.state));
  EXPECT_TRUE(t.completedAt.empty());

  InboxTransferUpdate::Apply(Result(2, 2, ProcessOutcome::Imported), Mail(0, 2, "imported"),
                             { Mail(1, 1, "imported") }, t);
  EXPECT_STREQ("complete", ToString(t.state));
  EXPECT_FALSE(t.completedAt.empty());
}

TEST(PollingInboxTransferUpdate, AnImportedPartStaysImported)
{
  // A later copy of part 1 refused (e.g. damaged on a resend) does not undo it.
  InboxTransfer t;
  t.setId = "s.1";
  t.mailsExpected = 1;
  InboxMail refused = Mail(0, 1, "rejected");
  refused.reason = "inner and outer X-TELEMEDICINE-SETPART differ";
  InboxTransferUpdate::Apply(Result(1, 1, ProcessOutcome::Rejected), refused, { Mail(1, 1, "imported") }, t);
  EXPECT_STREQ("complete", ToString(t.state));
  EXPECT_EQ(1u, t.mailsReceived);
  ASSERT_EQ(1u, t.reasons.size());
  EXPECT_EQ("mail 1: inner and outer X-TELEMEDICINE-SETPART differ", t.reasons[0]);
}

TEST(PollingInboxTransferUpdate, StatesOfIncompleteTransfers)
{
  InboxTransfer t;
  t.mailsExpected = 3;
  unsigned int parts = 0;
  EXPECT_EQ("failed", StateText(t, { Mail(1, 1, "imported") }, Mail(0, 2, "rejected"), parts));
  EXPECT_EQ(2u, parts);
  EXPECT_EQ("quarantined", StateText(t, { Mail(1, 1, "rejected") }, Mail(0, 2, "quarantined"), parts));
  t.mailsExpected = 2;
  EXPECT_EQ("complete-with-warnings", StateText(t, { Mail(1, 1, "warning") }, Mail(0, 2, "imported"), parts));
  // An updated record (a retried mail) replaces its own earlier state.
  EXPECT_EQ("complete", StateText(t, { Mail(1, 1, "imported"), Mail(2, 2, "quarantined") },
                                  Mail(2, 2, "imported"), parts));
}
