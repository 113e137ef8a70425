// SPDX-License-Identifier: GPL-3.0-or-later
// InboxPoller against a fake mailbox: duplicates, acknowledgements and
// transfer records are decided only on what was authenticated.
#include "ReceivingTestSupport.h"

#include "Core/Acknowledgement/AcknowledgementComposer.h"
#include "Core/Polling/InboxPoller.h"
#include "Core/Transfer/PartialSplitter.h"
#include "Core/Store/AcknowledgementQueueStore.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/SqliteDatabase.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <gtest/gtest.h>
#include <mutex>
#include <thread>

using namespace DicomMail;
using namespace ReceivingTest;

namespace
{
  // A mailbox in memory: what the poller fetched and where it moved it.
  class FakeMailboxSession : public IMailboxSession
  {
  public:
    std::string Add(const std::string& raw)
    {
      ServerMessage m;
      m.uid = static_cast<uint32_t>(messages_.size() + 1);
      m.serverId = "1:" + std::to_string(m.uid);
      messages_.push_back(std::make_pair(m, raw));
      return m.serverId;
    }

    std::vector<ServerMessage> ListCandidates() override
    {
      std::vector<ServerMessage> result;
      for (const auto& m : messages_)
      {
        if (destinations_.count(m.first.serverId) == 0)
        {
          result.push_back(m.first);
        }
      }
      return result;
    }

    void Fetch(const ServerMessage& message, ByteSink& sink) override
    {
      if (onFetch)
      {
        onFetch(message);
      }
      for (const auto& m : messages_)
      {
        if (m.first.serverId == message.serverId)
        {
          sink.Write(m.second.data(), m.second.size());
          return;
        }
      }
      throw Error(ErrorKind::Transport, "no such message");
    }

    void Finish(const ServerMessage& message, Destination destination) override
    {
      if (onFinish)
      {
        onFinish(message);
      }
      destinations_[message.serverId] = destination;
    }

    void Leave(const ServerMessage& message) override
    {
      left.push_back(message.serverId);
    }

    std::function<void(const ServerMessage&)> onFetch;
    std::function<void(const ServerMessage&)> onFinish;
    std::vector<std::string> left;   // another node's to handle (#18)

    void Commit() override
    {
    }

    bool KeepsRejectedMail() const override
    {
      return true;
    }

    // "" while the message is still in the inbox.
    std::string WhereIs(const std::string& serverId) const
    {
      auto found = destinations_.find(serverId);
      if (found == destinations_.end())
      {
        return "";
      }
      return found->second == Destination::Processed ? "Processed" : "Rejected";
    }

  private:
    std::vector<std::pair<ServerMessage, std::string> > messages_;
    std::map<std::string, Destination> destinations_;
  };

  class RecordingEvents : public IPollEvents
  {
  public:
    void OnAcknowledgementsQueued() override
    {
    }

    void OnAcknowledgement(const std::string& setId, unsigned int part, Disposition) override
    {
      acknowledged.push_back(setId + "/" + std::to_string(part));
    }

    void OnKeyChanged(const std::string& fingerprint) override
    {
      keysChanged.push_back(fingerprint);
    }

    std::vector<std::string> acknowledged;
    std::vector<std::string> keysChanged;
  };

  // The fixture's trust policy, whose first question waits (at most a
  // minute, against a hang) until Release(): shows whether something else
  // happened while a mail was being judged.
  class LatchedTrustPolicy : public ITrustPolicy
  {
  public:
    explicit LatchedTrustPolicy(ITrustPolicy& inner) :
      inner_(inner)
    {
    }

    bool ExpectedSigner(const std::string& fromAddress, std::string& partnerName,
                        std::string& fingerprint) override
    {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!asked_)
        {
          asked_ = true;
          releasedWhileAsked_ = released_.wait_for(lock, std::chrono::minutes(1), [this] { return release_; });
        }
      }
      return inner_.ExpectedSigner(fromAddress, partnerName, fingerprint);
    }

    void Release()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      release_ = true;
      released_.notify_all();
    }

    bool ReleasedWhileAsked()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      return releasedWhileAsked_;
    }

  private:
    ITrustPolicy& inner_;
    std::mutex mutex_;
    std::condition_variable released_;
    bool asked_ = false;
    bool release_ = false;
    bool releasedWhileAsked_ = false;
  };

  // The fixture's trust policy, counting how many mails are judged at once;
  // the first question waits (at most a minute, against a hang) until a
  // second one comes, which only a second decryption at the same time can ask.
  class RendezvousTrustPolicy : public ITrustPolicy
  {
  public:
    explicit RendezvousTrustPolicy(ITrustPolicy& inner) : inner_(inner) {}

    bool ExpectedSigner(const std::string& fromAddress, std::string& partnerName, std::string& fingerprint) override
    {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        inside_++;
        most_ = std::max(most_, inside_);
        met_ = met_ || inside_ >= 2;
        arrived_.notify_all();
        if (!first_)
        {
          first_ = true;
          arrived_.wait_for(lock, std::chrono::minutes(1), [this] { return met_; });
        }
      }
      const bool known = inner_.ExpectedSigner(fromAddress, partnerName, fingerprint);
      std::lock_guard<std::mutex> lock(mutex_);
      inside_--;
      return known;
    }

    // Whether two were judged at once, and the most at once.
    std::pair<bool, unsigned int> Seen()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      return std::make_pair(met_, most_);
    }

  private:
    ITrustPolicy& inner_;
    std::mutex mutex_;
    std::condition_variable arrived_;
    unsigned int inside_ = 0, most_ = 0;
    bool first_ = false, met_ = false;
  };

  // The fixture's importer, telling another thread (waiting at most a
  // minute, against a hang) when an import began.
  class SignallingImporter : public IInstanceImporter
  {
  public:
    explicit SignallingImporter(IInstanceImporter& inner) : inner_(inner) {}

    ImportOutcome Import(const void* dicom, size_t size, const ImportContext& context) override
    {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        began_++;
        changed_.notify_all();
      }
      return inner_.Import(dicom, size, context);
    }

    bool WaitForImports(unsigned int count)
    {
      std::unique_lock<std::mutex> lock(mutex_);
      return changed_.wait_for(lock, std::chrono::minutes(1), [&] { return began_ >= count; });
    }

  private:
    IInstanceImporter& inner_;
    std::mutex mutex_;
    std::condition_variable changed_;
    unsigned int began_ = 0;
  };

  class PollingInboxPoller : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      sites_ = &Sites::Get();
      state_.reset(new ScratchDirectory);
      Files::MakeDirectories(state_->File("work"), 0700);
      configuration_.siteAddress = kReferrer;
      configuration_.stateDirectory = state_->GetPath();
      configuration_.workingDirectory = state_->File("work");
      db_.reset(new SqliteDatabase(state_->File("state.db")));
      inbox_.reset(new InboxStore(*db_));
      outbox_.reset(new OutboxStore(*db_));
      queue_.reset(new AcknowledgementQueueStore(*db_));
      forwards_.reset(new ForwardStore(*db_));
      trust_.Add(kHospital, "Hospital", sites_->hospital.fingerprint);
      trust_.Add("hospital-backup@site-a.test", "Hospital", sites_->hospital.fingerprint);
      trust_.Add(kClinic, "Clinic", sites_->clinic.fingerprint);
      ct_ = ReadFile(kCtSmall);
      mr_ = ReadFile(kMrSmall);
    }

    PollSummary Poll(ITrustPolicy* trust = nullptr, unsigned int decryptWorkers = 1)
    {
      InboxPoller::Dependencies d;
      d.account = "inbox";
      d.configuration = &configuration_;
      d.siteFingerprint = sites_->referrer.fingerprint;
      d.inbox = inbox_.get();
      d.outbox = outbox_.get();
      d.acknowledgements = queue_.get();
      d.forwards = forwards_.get();
      d.crypto = sites_->referrer.crypto.get();
      d.decryptWorkers = decryptWorkers;
      d.newCrypto = [this] {
        return std::unique_ptr<OpenPgpContext>(new OpenPgpContext(sites_->referrer.home->GetHome()));
      };
      d.trust = trust != nullptr ? trust : &trust_;
      d.importer = importer != nullptr ? importer : &importer_;
      d.events = &events_;
      d.claimMail = claimMail_;
      d.releaseMail = releaseMail_;
      InboxPoller poller(d);
      return poller.Poll(session_);
    }

    std::string Entity(const std::string& setId, const std::string& part, const std::string& total,
                       const std::string& dicom)
    {
      return MixedEntity(InnerSetHeaders(setId, part, total), { DicomPart(dicom, "IM000001.dcm") });
    }

    std::string Signed(const std::string& outer, const std::string& entity)
    {
      return Envelope(outer, Armor(EncryptEntity(*sites_->hospital.crypto, sites_->hospital.fingerprint,
                                                 { sites_->referrer.fingerprint }, entity)));
    }

    // Signed inside (RFC 3156 §6.1), then altered: gpg reports BADSIG.
    std::string BadSignature(const std::string& outer, const std::string& entity)
    {
      StringSink signature;
      StringSource data(entity);
      sites_->hospital.crypto->Sign(data, signature, sites_->hospital.fingerprint);
      std::string altered = entity;
      altered.replace(altered.find("IM000001.dcm"), 12, "IM000009.dcm");
      const std::string wrapped =
        "Content-Type: multipart/signed; micalg=pgp-sha512; protocol=\"application/pgp-signature\"; "
        "boundary=\"sig\"\r\n\r\n--sig\r\n" + altered + "\r\n--sig\r\n"
        "Content-Type: application/pgp-signature\r\n\r\n" + signature.GetContent() + "\r\n--sig--\r\n";
      return Envelope(outer, Armor(EncryptUnsigned(sites_->hospital.home->GetPath(), sites_->referrer.fingerprint,
                                                   wrapped, *state_)));
    }

    std::string Unsigned(const std::string& outer, const std::string& entity)
    {
      return Envelope(outer, Armor(EncryptUnsigned(sites_->hospital.home->GetPath(), sites_->referrer.fingerprint,
                                                   entity, *state_)));
    }

    static std::string WithNotificationTo(std::string outer, const std::string& address)
    {
      const std::string field = "Disposition-Notification-To: ";
      const size_t at = outer.find(field);
      outer.replace(at, outer.find("\r\n", at) - at, field + "<" + address + ">");
      return outer;
    }

    std::vector<QueuedAcknowledgement> Queued()
    {
      return queue_->ListPending(100);
    }

    // One mail of ours, sent to the hospital.
    void AddSentMail(const std::string& setId, const std::string& messageId)
    {
      OutboxTransfer transfer;
      transfer.setId = setId;
      transfer.partner = "Hospital";
      transfer.recipient = kHospital;
      OutboxMail mail;
      mail.setId = setId;
      mail.part = 1;
      mail.messageId = messageId;
      mail.state = MailState::Sent;
      outbox_->CreateTransfer(transfer, { mail });
    }

    // The hospital's acknowledgement of part 1 of "setId" citing "messageId".
    static AcknowledgementContent AcknowledgementOf(const std::string& messageId, const std::string& setId,
                                                    Disposition disposition = Disposition::Displayed)
    {
      AcknowledgementContent content;
      content.reportingUa = "site-a.test; test";
      content.finalRecipient = kHospital;
      content.originalMessageId = "<" + messageId + ">";
      content.disposition = disposition;
      content.setId = setId;
      content.setPart = "1";
      return content;
    }

    // Signed by the hospital, added to the mailbox; returns its server id.
    std::string DeliverAcknowledgement(const AcknowledgementContent& content, const std::string& fromName = "",
                                       std::string* messageId = nullptr)
    {
      const std::string path = state_->File("acknowledgement.eml");
      const ComposedAcknowledgement composed = AcknowledgementComposer::Compose(
        content, kHospital, fromName, kReferrer, AcknowledgementComposer::kDefaultSubject,
        sites_->hospital.fingerprint, *sites_->hospital.crypto, path);
      if (messageId != nullptr)
      {
        *messageId = composed.messageId;
      }
      return session_.Add(ReadFile(path));
    }

    const InboxMail* RecordOf(const std::vector<InboxMail>& mails, const std::string& messageId)
    {
      for (const InboxMail& m : mails)
      {
        if (m.messageId == messageId)
        {
          return &m;
        }
      }
      return nullptr;
    }

    Sites* sites_ = nullptr;
    std::unique_ptr<ScratchDirectory> state_;
    Configuration configuration_;
    std::unique_ptr<SqliteDatabase> db_;
    std::unique_ptr<InboxStore> inbox_;
    std::unique_ptr<OutboxStore> outbox_;
    std::unique_ptr<AcknowledgementQueueStore> queue_;
    std::unique_ptr<ForwardStore> forwards_;
    MapTrustPolicy trust_;
    RecordingImporter importer_;
    RecordingEvents events_;
    FakeMailboxSession session_;
    std::string ct_, mr_;
    std::function<bool(const std::string&)> claimMail_;     // #18; empty: alone
    std::function<void(const std::string&)> releaseMail_;
    IInstanceImporter* importer = nullptr;   // null: importer_
  };
}

TEST_F(PollingInboxPoller, AMailClaimedByAnotherNodeIsLeftToItAndOursAreReleasedOnceMoved)
{
  const std::string theirs = session_.Add(Signed(OuterHeaders(kHospital, "set.t", "1", "1", "<t-1@site-a.test>"),
                                                 Entity("set.t", "1", "1", ct_)));
  const std::string ours = session_.Add(Signed(OuterHeaders(kHospital, "set.o", "1", "1", "<o-1@site-a.test>"),
                                               Entity("set.o", "1", "1", mr_)));
  std::vector<std::string> fetched, released;
  session_.onFetch = [&](const ServerMessage& m) { fetched.push_back(m.serverId); };
  claimMail_ = [&](const std::string& serverId) { return serverId != theirs; };
  releaseMail_ = [&](const std::string& serverId) {
    EXPECT_EQ("Processed", session_.WhereIs(serverId));   // released only once it left the mailbox
    released.push_back(serverId);
  };
  const PollSummary summary = Poll();
  EXPECT_EQ(1u, summary.imported);
  EXPECT_EQ(std::vector<std::string>{ours}, fetched);
  EXPECT_EQ("", session_.WhereIs(theirs));
  EXPECT_EQ(std::vector<std::string>{theirs}, session_.left);
  EXPECT_EQ(std::vector<std::string>{ours}, released);
  EXPECT_TRUE(inbox_->ListMails("set.t").empty());
  ASSERT_EQ(1u, Queued().size());   // one answer, to ours
  EXPECT_EQ("<o-1@site-a.test>", Queued()[0].content.originalMessageId);
}

TEST_F(PollingInboxPoller, DuplicateIsDecidedOnTheSignedNumbers)
{
  const std::string first = session_.Add(Signed(OuterHeaders(kHospital, "set.a", "1", "1", "<a-1@site-a.test>"),
                                                Entity("set.a", "1", "1", ct_)));
  Poll();
  ASSERT_EQ("Processed", session_.WhereIs(first));
  ASSERT_EQ(1u, importer_.records.size());

  // A genuine mail of another transfer, its clear headers rewritten to the
  // part already imported: not a duplicate, not answered positively.
  const std::string rewritten = session_.Add(Signed(OuterHeaders(kHospital, "set.a", "1", "1", "<b-1@site-a.test>"),
                                                    Entity("set.b", "1", "1", mr_)));
  // A true copy of the first mail: a duplicate, answered again.
  const std::string copy = session_.Add(Signed(OuterHeaders(kHospital, "set.a", "1", "1", "<a-1@site-a.test>"),
                                               Entity("set.a", "1", "1", ct_)));
  const PollSummary summary = Poll();
  EXPECT_EQ(1u, summary.duplicates);
  EXPECT_EQ("Rejected", session_.WhereIs(rewritten));
  EXPECT_EQ("Processed", session_.WhereIs(copy));
  EXPECT_EQ(1u, importer_.records.size());

  const std::vector<InboxMail> b = inbox_->ListMails("set.b");
  ASSERT_EQ(1u, b.size());
  EXPECT_STREQ("rejected", ToString(b[0].state));
  EXPECT_TRUE(Contains(b[0].reason, "differ")) << b[0].reason;
  for (const QueuedAcknowledgement& a : Queued())
  {
    if (a.content.originalMessageId == "<b-1@site-a.test>")
    {
      EXPECT_EQ(Disposition::Deleted, a.content.disposition);
      EXPECT_EQ("set.b", a.content.setId);
    }
  }
  InboxTransfer transfer;
  ASSERT_TRUE(inbox_->GetTransfer("set.a", transfer));
  EXPECT_STREQ("complete", ToString(transfer.state));
}

TEST_F(PollingInboxPoller, NoAcknowledgementWithoutAnAcceptedSignature)
{
  const std::string outer = WithNotificationTo(OuterHeaders(kHospital, "set.c", "1", "1", "<c-1@site-a.test>"),
                                               kStranger);
  const std::string bad = session_.Add(BadSignature(outer, Entity("set.c", "1", "1", ct_)));
  const std::string plain = session_.Add(Unsigned(WithNotificationTo(
    OuterHeaders(kHospital, "set.c", "1", "1", "<c-2@site-a.test>"), kStranger), Entity("set.c", "1", "1", ct_)));
  const PollSummary summary = Poll();
  EXPECT_EQ(1u, summary.rejected);
  EXPECT_EQ(1u, summary.quarantined);
  EXPECT_EQ("Rejected", session_.WhereIs(bad));
  EXPECT_EQ("Rejected", session_.WhereIs(plain));
  EXPECT_TRUE(Queued().empty());
  EXPECT_TRUE(importer_.records.empty());
}

TEST_F(PollingInboxPoller, AKeyAMailChangedIsReportedSoTheOtherNodesFollow)
{
  // The hospital renewed its key; the renewed key rides in its next mails.
  sites_->hospital.crypto->SetExpiry(sites_->hospital.fingerprint, 500u * 86400);
  const TestPart keyPart{ "Content-Type: application/pgp-keys\r\n",
                          sites_->hospital.crypto->ExportPublicKey(sites_->hospital.fingerprint) };
  for (const std::string& setId : { "set.k1", "set.k2" })
  {
    session_.Add(Signed(OuterHeaders(kHospital, setId, "1", "1", "<" + std::string(setId) + "@site-a.test>"),
                        MixedEntity(InnerSetHeaders(setId, "1", "1"), { DicomPart(ct_, "IM000001.dcm"), keyPart })));
  }
  EXPECT_EQ(2u, Poll().imported);
  // Reported once, for the signer: the second mail's key brought nothing new.
  EXPECT_EQ(std::vector<std::string>{ sites_->hospital.fingerprint }, events_.keysChanged);
}

TEST_F(PollingInboxPoller, AcknowledgementGoesToARegisteredAddressOfTheSigner)
{
  session_.Add(Signed(WithNotificationTo(OuterHeaders(kHospital, "set.d", "1", "1", "<d-1@site-a.test>"),
                                         kStranger), Entity("set.d", "1", "1", ct_)));
  session_.Add(Signed(WithNotificationTo(OuterHeaders(kHospital, "set.e", "1", "1", "<e-1@site-a.test>"),
                                         "hospital-backup@site-a.test"), Entity("set.e", "1", "1", mr_)));
  // Another partner's address is not the signer's either.
  session_.Add(Signed(WithNotificationTo(OuterHeaders(kHospital, "set.f", "1", "1", "<f-1@site-a.test>"),
                                         kClinic), Entity("set.f", "1", "1", ct_)));
  Poll();
  std::map<std::string, std::string> recipients;
  for (const QueuedAcknowledgement& a : Queued())
  {
    recipients[a.content.setId] = a.recipient;
    EXPECT_EQ("1", a.content.setPart);
  }
  ASSERT_EQ(3u, recipients.size());
  EXPECT_EQ(kHospital, recipients["set.d"]);
  EXPECT_EQ("hospital-backup@site-a.test", recipients["set.e"]);
  EXPECT_EQ(kHospital, recipients["set.f"]);
}

TEST_F(PollingInboxPoller, UnverifiedMailNeverChangesATransfer)
{
  session_.Add(Signed(OuterHeaders(kHospital, "set.g", "1", "1", "<g-1@site-a.test>"),
                      Entity("set.g", "1", "1", ct_)));
  Poll();
  InboxTransfer before;
  ASSERT_TRUE(inbox_->GetTransfer("set.g", before));
  ASSERT_STREQ("complete", ToString(before.state));

  // Clear claims of the same transfer: a mail with a bad signature, and an
  // unsigned one from another partner.
  session_.Add(BadSignature(OuterHeaders(kHospital, "set.g", "1", "5", "<g-2@site-a.test>"),
                            Entity("set.g", "1", "5", mr_)));
  session_.Add(Unsigned(OuterHeaders(kClinic, "set.g", "2", "5", "<g-3@site-a.test>"),
                        Entity("set.g", "2", "5", mr_)));
  Poll();
  InboxTransfer after;
  ASSERT_TRUE(inbox_->GetTransfer("set.g", after));
  EXPECT_STREQ("complete", ToString(after.state));
  EXPECT_EQ(before.partner, after.partner);
  EXPECT_EQ(before.signerFingerprint, after.signerFingerprint);
  EXPECT_EQ(1u, after.mailsExpected);
  EXPECT_EQ(1u, inbox_->ListMails("set.g").size());

  const std::vector<InboxMail> all = inbox_->ListRecentMails(100);
  const InboxMail* bad = RecordOf(all, "<g-2@site-a.test>");
  ASSERT_TRUE(bad != nullptr);
  EXPECT_EQ("", bad->setId);
  EXPECT_EQ("set.g", bad->claimedSetId);
  EXPECT_STREQ("rejected", ToString(bad->state));
  const InboxMail* quarantined = RecordOf(all, "<g-3@site-a.test>");
  ASSERT_TRUE(quarantined != nullptr);
  EXPECT_STREQ("quarantined", ToString(quarantined->state));
  EXPECT_EQ("set.g", quarantined->claimedSetId);
}

TEST_F(PollingInboxPoller, PlainMailIgnoresClearSetHeaders)
{
  // No inner X-TELEMEDICINE-*: the clear ones name no transfer.
  const std::string entity = "Content-Type: multipart/mixed; boundary=\"mua\"\r\n\r\n"
    "--mua\r\nContent-Type: application/dicom\r\nContent-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename=\"IM000001.dcm\"\r\n\r\n" + Base64::Encode(ct_, 76) + "\r\n"
    "--mua--\r\n";
  session_.Add(Signed(OuterHeaders(kHospital, "set.h", "1", "1", "<h-1@site-a.test>"), entity));
  Poll();
  ASSERT_EQ(1u, importer_.records.size());
  EXPECT_EQ(DicomMailProcessor::DeriveSetId("<h-1@site-a.test>"), importer_.records[0].context.setId);
  InboxTransfer transfer;
  EXPECT_FALSE(inbox_->GetTransfer("set.h", transfer));
}

TEST_F(PollingInboxPoller, AcknowledgementMustNameTheMailItCites)
{
  AddSentMail("out.1", "out-1@site-b.test");
  const std::string forgedId =
    DeliverAcknowledgement(AcknowledgementOf("out-1@site-b.test", "out.2"));   // not the mail cited
  Poll();
  EXPECT_TRUE(events_.acknowledged.empty());
  EXPECT_EQ("Rejected", session_.WhereIs(forgedId));

  DeliverAcknowledgement(AcknowledgementOf("out-1@site-b.test", "out.1"));
  Poll();
  ASSERT_EQ(1u, events_.acknowledged.size());
  EXPECT_EQ("out.1/1", events_.acknowledged[0]);
}

TEST_F(PollingInboxPoller, OversizedMailNamesTheFetchLimit)
{
  configuration_.limits.maxMailBytes = 1000;
  const std::string big = session_.Add(Signed(OuterHeaders(kHospital, "set.big", "1", "1", "<big-1@site-a.test>"),
                                              Entity("set.big", "1", "1", ct_)));
  Poll();
  EXPECT_EQ("Rejected", session_.WhereIs(big));
  const std::vector<InboxMail> mails = inbox_->ListMailsByState(InboxMailState::Rejected, 10);
  ASSERT_EQ(1u, mails.size());
  EXPECT_TRUE(Contains(mails[0].reason, "the fetched mail exceeds the limit of 1000 bytes (Limits.MaxMailBytes)"))
    << mails[0].reason;
  EXPECT_FALSE(Contains(mails[0].reason, "decompressed")) << mails[0].reason;
  EXPECT_FALSE(mails[0].acknowledgement);
}

TEST_F(PollingInboxPoller, AcknowledgementsAreListedWithTheMails)
{
  AddSentMail("out.3", "out-3@site-b.test");
  const std::string name = "Klinikum S\xC3\xBC" "d, Radiologie";
  std::string genuine;
  DeliverAcknowledgement(AcknowledgementOf("out-3@site-b.test", "out.3", Disposition::DisplayedWarning), name,
                         &genuine);
  DeliverAcknowledgement(AcknowledgementOf("out-3@site-b.test", "out.4"));   // names another mail: refused
  Poll();

  const std::vector<InboxMail> mails = inbox_->ListRecentMails(10);
  ASSERT_EQ(2u, mails.size());
  const InboxMail* accepted = RecordOf(mails, genuine);
  ASSERT_NE(nullptr, accepted);
  EXPECT_TRUE(accepted->acknowledgement);
  EXPECT_STREQ("accepted", ToString(accepted->state));
  EXPECT_EQ("out.3", accepted->setId);
  EXPECT_EQ(1u, accepted->part);
  EXPECT_EQ(ToString(Disposition::DisplayedWarning), accepted->disposition);
  EXPECT_EQ(name, accepted->fromName);   // the composer's From, encoded and quoted, read back whole
  EXPECT_EQ("inbox", accepted->account);
  const InboxMail& refused = mails[0].id == accepted->id ? mails[1] : mails[0];
  EXPECT_TRUE(refused.acknowledgement);
  EXPECT_STREQ("rejected", ToString(refused.state));
  EXPECT_EQ("", refused.setId);
}

TEST_F(PollingInboxPoller, ATransferIsQueuedForThePacsOnceWhenItsLastMailIsImported)
{
  configuration_.forwarding.modality = "pacs";
  // Part 2 of 2 comes first: the transfer is not complete, nothing goes to the PACS.
  session_.Add(Signed(OuterHeaders(kHospital, "set.f", "2", "2", "<f-2@site-a.test>"), Entity("set.f", "2", "2", mr_)));
  Poll();
  ForwardRecord forward;
  EXPECT_FALSE(forwards_->Get("set.f", forward));

  session_.Add(Signed(OuterHeaders(kHospital, "set.f", "1", "2", "<f-1@site-a.test>"), Entity("set.f", "1", "2", ct_)));
  Poll();
  ASSERT_TRUE(forwards_->Get("set.f", forward));
  EXPECT_EQ("pacs", forward.modality);
  EXPECT_EQ(ForwardState::Queued, forward.state);

  // The last mail again (a resend): a duplicate, not a second forward.
  session_.Add(Signed(OuterHeaders(kHospital, "set.f", "1", "2", "<f-1@site-a.test>"), Entity("set.f", "1", "2", ct_)));
  EXPECT_EQ(1u, Poll().duplicates);
  EXPECT_EQ(1u, forwards_->ListUnfinished().size());

  // A partner whose transfers stay here.
  configuration_.forwarding.partners["Hospital"] = "";
  session_.Add(Signed(OuterHeaders(kHospital, "set.g", "1", "1", "<g-1@site-a.test>"), Entity("set.g", "1", "1", ct_)));
  Poll();
  EXPECT_FALSE(forwards_->Get("set.g", forward));
}

// #15: the next mail is fetched while the one before it is decrypted and its
// signer judged; mails are still moved in their order, each only once its
// record is in the store.
TEST_F(PollingInboxPoller, TheNextMailIsFetchedWhileTheOneBeforeIsDecrypted)
{
  const std::string first = session_.Add(Signed(OuterHeaders(kHospital, "set.o", "1", "2", "<o-1@site-a.test>"),
                                                Entity("set.o", "1", "2", ct_)));
  const std::string second = session_.Add(Signed(OuterHeaders(kHospital, "set.o", "2", "2", "<o-2@site-a.test>"),
                                                 Entity("set.o", "2", "2", mr_)));
  LatchedTrustPolicy trust(trust_);
  session_.onFetch = [&](const ServerMessage& m)
  {
    if (m.serverId == second)
    {
      trust.Release();
    }
  };
  std::vector<std::string> moved;
  std::vector<std::string> movedUnrecorded;
  session_.onFinish = [&](const ServerMessage& m)
  {
    moved.push_back(m.serverId);
    bool recorded = false;
    for (const InboxMail& mail : inbox_->ListMails("set.o"))
    {
      recorded = recorded || mail.mailboxUid == m.serverId;
    }
    if (!recorded)
    {
      movedUnrecorded.push_back(m.serverId);
    }
  };
  const PollSummary summary = Poll(&trust);
  EXPECT_TRUE(trust.ReleasedWhileAsked()) << "the second mail was fetched only after the first was judged";
  EXPECT_EQ(2u, summary.imported);
  EXPECT_EQ((std::vector<std::string>{ first, second }), moved);
  EXPECT_TRUE(movedUnrecorded.empty()) << movedUnrecorded.front();
  EXPECT_EQ(2u, importer_.records.size());
}

// #15: with two decrypt workers, two mails are decrypted and judged at once
// (each by its own gpg and OpenPGP context), never more than two, and they
// are still imported, recorded and moved in their order.
TEST_F(PollingInboxPoller, TwoMailsAreDecryptedAtOnceAndHandledInTheirOrder)
{
  std::vector<std::string> ids;
  for (int part = 1; part <= 4; part++)
  {
    const std::string p = std::to_string(part);
    ids.push_back(session_.Add(Signed(OuterHeaders(kHospital, "set.w", p, "4", "<w-" + p + "@site-a.test>"),
                                      Entity("set.w", p, "4", part % 2 == 1 ? ct_ : mr_))));
  }
  RendezvousTrustPolicy trust(trust_);
  std::vector<std::string> moved;
  session_.onFinish = [&](const ServerMessage& m) { moved.push_back(m.serverId); };
  const PollSummary summary = Poll(&trust, 2);
  EXPECT_TRUE(trust.Seen().first) << "no two mails were judged at the same time";
  EXPECT_EQ(2u, trust.Seen().second) << "more mails were in decryption at once than there are workers";
  EXPECT_EQ(4u, summary.imported);
  EXPECT_EQ(ids, moved);
  ASSERT_EQ(4u, importer_.records.size());
  const std::vector<InboxMail> mails = inbox_->ListMails("set.w");
  ASSERT_EQ(4u, mails.size());
}

// #15: a verified mail is imported as soon as it is ready and the mails
// before it are done, not only once the decryption stage fills or the
// fetching ends: the first mail's import begins before the third is fetched.
TEST_F(PollingInboxPoller, AVerifiedMailIsImportedBeforeTheNextMailsAreFetched)
{
  std::vector<std::string> ids;
  for (int part = 1; part <= 3; part++)
  {
    const std::string p = std::to_string(part);
    ids.push_back(session_.Add(Signed(OuterHeaders(kHospital, "set.r", p, "3", "<r-" + p + "@site-a.test>"),
                                      Entity("set.r", p, "3", part == 2 ? mr_ : ct_))));
  }
  SignallingImporter signalling(importer_);
  importer = &signalling;
  bool firstBeganBeforeThird = false;
  session_.onFetch = [&](const ServerMessage& m)
  {
    if (m.serverId == ids[1])
    {
      // Lets the first mail's decryption finish while the second is fetched
      // (a slow machine can only make this test fail, never pass wrongly).
      std::this_thread::sleep_for(std::chrono::seconds(3));
    }
    if (m.serverId == ids[2])
    {
      firstBeganBeforeThird = signalling.WaitForImports(1);
    }
  };
  std::vector<std::string> moved;
  session_.onFinish = [&](const ServerMessage& m) { moved.push_back(m.serverId); };
  const PollSummary summary = Poll(nullptr, 2);
  EXPECT_TRUE(firstBeganBeforeThird) << "the first mail waited for the third to be fetched";
  EXPECT_EQ(3u, summary.imported);
  EXPECT_EQ(ids, moved);
  ASSERT_EQ(3u, inbox_->ListMails("set.r").size());
}

// A mail that came as message/partial fragments keeps its group's state
// until its outcome is recorded: an import that failed on our side (or a
// kill before the record) finds the group complete again at the next poll,
// instead of leaving the fragments on the server unprocessed for good.
TEST_F(PollingInboxPoller, FragmentsAreForgottenOnlyOnceTheirMailIsRecorded)
{
  const std::string whole = state_->File("whole.eml");
  Files::WriteAll(whole, Signed(OuterHeaders(kHospital, "set.f", "1", "1", "<f-1@site-a.test>"),
                                Entity("set.f", "1", "1", ct_)));
  const std::vector<std::string> fragments =
    PartialSplitter(40000).SplitToDirectory(whole, state_->GetPath(), "fragment");
  ASSERT_GT(fragments.size(), 1u);
  std::vector<std::string> ids;
  for (const std::string& f : fragments)
  {
    ids.push_back(session_.Add(ReadFile(f)));
  }

  importer_.fail = true;   // Orthanc refuses for now
  Poll();
  for (const std::string& id : ids)
  {
    EXPECT_EQ("", session_.WhereIs(id)) << "a fragment left the inbox without its mail recorded";
  }
  EXPECT_TRUE(inbox_->ListMails("set.f").empty());

  importer_.fail = false;
  const PollSummary summary = Poll();
  EXPECT_EQ(1u, summary.imported);
  for (const std::string& id : ids)
  {
    EXPECT_EQ("Processed", session_.WhereIs(id));
  }
  ASSERT_EQ(1u, inbox_->ListMails("set.f").size());
}
