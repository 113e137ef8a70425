// SPDX-License-Identifier: GPL-3.0-or-later
// Notices to people (#20): their settings, their words (never patient data),
// their signature, and the ledger that sends each at most once.
#include "ConfigTestSupport.h"
#include "ReceivingTestSupport.h"
#include "StoreTestSupport.h"

#include "Core/Common/Error.h"
#include "Core/Config/Configuration.h"
#include "Core/Notices/NoticeComposer.h"
#include "Core/Notices/NoticeFacts.h"
#include "Core/Notices/NoticePlanner.h"
#include "Core/Notices/NoticeText.h"
#include "Core/Partners/PartnerDirectory.h"
#include "Core/Store/NoticeStore.h"
#include "Core/Store/PartnerStore.h"
#include "Core/Store/SqliteDatabase.h"
#include "Core/Store/UtcTime.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

using namespace DicomMail;

namespace
{
  // What a study carries that must never reach a notice.
  const char* const kPatientValues[] = { "Doe^John", "PID-4711", "19450203", "ACC-0815", "CT Thorax nativ",
                                         "1.2.826.0.1.3680043.2.1125.7" };

  bool Contains(const std::string& text, const std::string& part)
  {
    return text.find(part) != std::string::npos;
  }

  void ExpectNoPatientData(const std::string& text)
  {
    for (const char* value : kPatientValues)
    {
      EXPECT_FALSE(Contains(text, value)) << value << " in:\n" << text;
    }
  }

  // An inbox record whose every free-text field carries patient data.
  InboxTransfer HostileInboxTransfer()
  {
    InboxTransfer t;
    t.setId = "20261207.112000.0badcafe";
    t.partner = "praxis";
    t.senderAddress = "Doe^John@PID-4711.example";
    t.instancesImported = 410;
    t.instancesAlreadyStored = 2;
    t.completedAt = "2026-12-07T11:20:33Z";
    t.state = InboxTransferState::Complete;
    t.reasons = { "mail 1: Doe^John PID-4711 19450203 ACC-0815 CT Thorax nativ 1.2.826.0.1.3680043.2.1125.7" };
    return t;
  }

  OutboxTransfer HostileOutboxTransfer(const std::string& reason)
  {
    OutboxTransfer t;
    t.setId = "20261207.112000.0deadbee";
    t.partner = "tele";
    t.recipient = "images@tele.example";
    t.studyInstanceUids = { "1.2.826.0.1.3680043.2.1125.7", "1.2.3" };
    t.resources = { "PID-4711" };
    t.totalInstances = 12;
    t.finished = "2026-12-07T11:21:00Z";
    t.state = TransferState::Failed;
    t.reason = reason;
    return t;
  }

  EffectiveNotices Settings(const std::vector<NoticeLanguage>& languages = {NoticeLanguage::German,
                                                                             NoticeLanguage::English})
  {
    EffectiveNotices s;
    s.to = { "dienst@klinik.example" };
    s.pageUrl = "https://pacs.klinik.example/dicom-mail/app/app.html";
    s.languages = languages;
    return s;
  }
}

// ------------------------------------------------------------------------------------------------ settings

TEST(NoticeSettings, OffWithoutAnAddressAndPartnerKeysOverrideTheSites)
{
  EXPECT_FALSE(EffectiveNotices::Resolve(NoticeSettings(), NoticeSettings()).Wants(NoticeKind::Arrival));
  EXPECT_FALSE(Configuration::Parse(Json::nullValue).notices.to.has_value());

  const NoticeSettings site = ParseNoticeSettings(ConfigTest::Parse(
    R"({"To": "it@klinik.example", "OnArrival": false, "PageUrl": "https://pacs.example/app", "Languages": "en"})"),
    "DicomMail.Notices");
  const NoticeSettings partner = ParseNoticeSettings(ConfigTest::Parse(
    R"({"To": ["dr.meier@praxis.example", "empfang@praxis.example"], "OnArrival": true})"), "p.Notices");

  const EffectiveNotices siteOnly = EffectiveNotices::Resolve(site, NoticeSettings());
  EXPECT_EQ(std::vector<std::string>({"it@klinik.example"}), siteOnly.to);
  EXPECT_FALSE(siteOnly.Wants(NoticeKind::Arrival));
  EXPECT_TRUE(siteOnly.Wants(NoticeKind::Failure));

  const EffectiveNotices both = EffectiveNotices::Resolve(site, partner);
  EXPECT_EQ(std::vector<std::string>({"dr.meier@praxis.example", "empfang@praxis.example"}), both.to);
  EXPECT_TRUE(both.Wants(NoticeKind::Arrival));
  EXPECT_TRUE(both.Wants(NoticeKind::Failure));
  EXPECT_EQ("https://pacs.example/app", both.pageUrl);                 // the site's, not overridden
  EXPECT_EQ(std::vector<NoticeLanguage>({NoticeLanguage::English}), both.languages);

  // An empty list switches a partner's notices off although the site has an address.
  const NoticeSettings off = ParseNoticeSettings(ConfigTest::Parse(R"({"To": []})"), "p.Notices");
  EXPECT_FALSE(EffectiveNotices::Resolve(site, off).Wants(NoticeKind::Failure));
}

TEST(NoticeSettings, ConfigurationErrorsNameTheKey)
{
  const std::string smtp = R"("Smtp": {"Url": "smtp://127.0.0.1:25"})";
  EXPECT_TRUE(Contains(ConfigTest::ErrorOf("{" + smtp + R"(, "Notices": {"To": "not an address"}})"),
                       "\"DicomMail.Notices.To\""));
  EXPECT_TRUE(Contains(ConfigTest::ErrorOf("{" + smtp + R"(, "Notices": {"To": "a@b.example", "PageUrl": "ftp://x"}})"),
                       "\"DicomMail.Notices.PageUrl\": must start with http:// or https://"));
  EXPECT_TRUE(Contains(ConfigTest::ErrorOf("{" + smtp + R"(, "Notices": {"Languages": ["de", "fr"]}})"),
                       "\"DicomMail.Notices.Languages\""));
  EXPECT_TRUE(Contains(ConfigTest::ErrorOf("{" + smtp + R"(, "Notices": {"Languages": []}})"),
                       "\"DicomMail.Notices.Languages\""));
  EXPECT_TRUE(Contains(ConfigTest::ErrorOf("{" + smtp + R"(, "Notices": {"OnArrival": "yes"}})"),
                       "\"DicomMail.Notices.OnArrival\""));
  EXPECT_TRUE(Contains(ConfigTest::ErrorOf("{" + smtp + R"(, "Notices": {"Too": "a@b.example"}})"),
                       "\"DicomMail.Notices.Too\""));
  EXPECT_TRUE(Contains(ConfigTest::ErrorOf("{" + smtp + R"(, "Notices": {"MaxAttempts": 0}})"),
                       "\"DicomMail.Notices.MaxAttempts\""));
  // Without an SMTP account nobody would send them.
  EXPECT_TRUE(Contains(ConfigTest::ErrorOf(R"({"Notices": {"To": "it@klinik.example"}})"), "DicomMail.Smtp"));
  // A partner's object is the same, less MaxAttempts, which is the site's.
  const std::string partner = R"(, "Partners": {"praxis": {"Addresses": ["a@praxis.example"], "Notices": )";
  EXPECT_TRUE(Contains(ConfigTest::ErrorOf("{" + smtp + partner + R"({"To": "x"}}}})"),
                       "\"DicomMail.Partners.praxis.Notices.To\""));
  EXPECT_TRUE(Contains(ConfigTest::ErrorOf("{" + smtp + partner + R"({"MaxAttempts": 3}}}})"),
                       "\"DicomMail.Partners.praxis.Notices.MaxAttempts\""));
  EXPECT_TRUE(Contains(ConfigTest::ErrorOf("{" + partner.substr(2) + R"({"To": "dr@praxis.example"}}}})"), "DicomMail.Smtp"));

  const Configuration ok = Configuration::Parse(ConfigTest::Parse("{" + smtp + R"(, "Notices": {"To": "it@klinik.example",
    "MaxAttempts": 7}, "Partners": {"praxis": {"Addresses": ["a@praxis.example"],
    "Notices": {"To": "dr@praxis.example", "OnFailure": false}}}})"));
  EXPECT_EQ(7u, ok.noticeMaxAttempts);
  ASSERT_EQ(1u, ok.partners.size());
  EXPECT_FALSE(EffectiveNotices::Resolve(ok.notices, ok.partners[0].notices).Wants(NoticeKind::Failure));
  EXPECT_EQ("dr@praxis.example", EffectiveNotices::Resolve(ok.notices, ok.partners[0].notices).to.at(0));
}

TEST(NoticeSettings, TheShippedExampleIsValid)
{
  // The example as a whole needs its password files; its notices need nothing.
  std::ifstream file(std::string(DICOM_MAIL_SOURCE_DIR) + "/orthanc-config-example.json");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const Json::Value example = ConfigTest::Parse(text)["DicomMail"];
  unsigned int maxAttempts = 1;
  const NoticeSettings site = ParseNoticeSettings(example["Notices"], "DicomMail.Notices", &maxAttempts);
  EXPECT_EQ(10u, maxAttempts);
  EXPECT_FALSE(EffectiveNotices::Resolve(site, NoticeSettings()).Wants(NoticeKind::Arrival));   // off as shipped
  const NoticeSettings partner = ParseNoticeSettings(example["Partners"]["referrer"]["Notices"], "p");
  EXPECT_TRUE(EffectiveNotices::Resolve(site, partner).Wants(NoticeKind::Arrival));
  EXPECT_EQ("", EffectiveNotices::Resolve(site, partner).pageUrl);
}

TEST(NoticeSettings, RestPartnersKeepTheirsAndBadOnesAre400)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  PartnerStore store(db);
  PartnerDirectory directory({}, store, 10000000);

  Json::Value body = ConfigTest::Parse(R"({"Addresses": ["images@praxis.example"],
    "Notices": {"To": ["dr.meier@praxis.example"], "OnArrival": true, "Languages": ["en", "de"]}})");
  const PartnerSettings put = directory.Put("praxis", body);
  PartnerSettings got;
  ASSERT_TRUE(directory.Lookup("praxis", got));
  EXPECT_EQ(put.notices.ToText(), got.notices.ToText());
  const Json::Value json = PartnerDirectory::ToJson(got);
  EXPECT_EQ("dr.meier@praxis.example", json["Notices"]["To"][0].asString());
  EXPECT_EQ("en", json["Notices"]["Languages"][0].asString());
  EXPECT_FALSE(json["Notices"].isMember("PageUrl"));   // not set: the site's holds

  body["Notices"]["To"] = "nobody";
  try
  {
    directory.Put("praxis", body);
    ADD_FAILURE() << "accepted a notice address that is none";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
    EXPECT_TRUE(Contains(e.what(), "\"Notices.To\"")) << e.what();
  }
  ASSERT_TRUE(directory.Lookup("praxis", got));
  EXPECT_EQ("dr.meier@praxis.example", got.notices.to->at(0));   // unchanged by the refused one

  // Left out of a PUT (as the page's partner form does), they stay; null removes them.
  body.removeMember("Notices");
  body["MaxMailSize"] = 200000;
  directory.Put("praxis", body);
  ASSERT_TRUE(directory.Lookup("praxis", got));
  EXPECT_EQ(200000u, got.maxMailSize);
  EXPECT_EQ(put.notices.ToText(), got.notices.ToText());
  body["Notices"] = Json::nullValue;
  directory.Put("praxis", body);
  ASSERT_TRUE(directory.Lookup("praxis", got));
  EXPECT_TRUE(got.notices.IsEmpty());
  EXPECT_TRUE(PartnerDirectory::ToJson(got)["Notices"].isNull());
}

// ------------------------------------------------------------------------------------------------ words

TEST(NoticeText, ArrivalSaysCountsPartnerLinkGermanFirstAndNoPatientData)
{
  const NoticeFacts facts = NoticeFacts::ForArrival(HostileInboxTransfer(), 3, "Praxis Dr. Müller", "Klinikum Süd",
                                                    Settings());
  const NoticeMessage m = NoticeText::Write(facts);
  EXPECT_EQ("DICOM-Mail: 3 Studien von Praxis Dr. Müller eingetroffen / 3 studies from Praxis Dr. Müller arrived",
            m.subject);
  EXPECT_TRUE(Contains(m.body, "3 Studien (412 DICOM-Instanzen)")) << m.body;
  EXPECT_TRUE(Contains(m.body, "3 studies (412 DICOM instances) from Praxis Dr. Müller arrived")) << m.body;
  EXPECT_TRUE(Contains(m.body, "Öffnen: https://pacs.klinik.example/dicom-mail/app/app.html\n"));
  EXPECT_TRUE(Contains(m.body, "Set-ID: 20261207.112000.0badcafe\n"));
  EXPECT_TRUE(Contains(m.body, "2026-12-07 11:20 UTC"));
  EXPECT_LT(m.body.find("eingetroffen"), m.body.find("arrived"));   // German first
  ExpectNoPatientData(m.subject + m.body);

  const NoticeMessage english = NoticeText::Write(NoticeFacts::ForArrival(
    HostileInboxTransfer(), 1, "Praxis", "Site", Settings({NoticeLanguage::English})));
  EXPECT_EQ("DICOM-Mail: 1 study from Praxis arrived", english.subject);
  EXPECT_FALSE(Contains(english.body, "eingetroffen"));
}

TEST(NoticeText, FailureGivesOurWordsForTheReasonNeverTheRecordedText)
{
  struct Case
  {
    std::string reason;
    std::string english;
  };
  const std::string patient = " Doe^John PID-4711 19450203 ACC-0815 CT Thorax nativ 1.2.826.0.1.3680043.2.1125.7";
  const Case cases[] = {
    { "the mail server refused mail 512: RCPT TO: 550 5.1.1 <x@tele.example>: unknown" + patient,
      "the mail server refused the mail (SMTP 550)" },
    { "mail 1 could not be sent after 3 attempts: connect failed" + patient,
      "the mail server could not be reached" },
    { "mail 2 got no acknowledgement within 3600 s after 4 attempts" + patient,
      "the partner did not acknowledge receipt" },
    { "the partner could not process mail 1 and says sending again will not help (deleted)" + patient,
      "the partner's system refused a mail" },
    { "the key ABCD of partner \"tele\" is revoked" + patient, "the partner's key cannot be used" },
    { "mail 1: cannot encrypt: recipient key ABCD: Unusable public key" + patient,
      "the partner's key cannot be used" },
    { "cannot read instance" + patient, "the reason is shown on the DICOM-Mail page" },
  };
  for (const Case& c : cases)
  {
    const NoticeMessage m = NoticeText::Write(NoticeFacts::ForFailure(HostileOutboxTransfer(c.reason), "Teleradiologie",
                                                                      "Klinikum", Settings()));
    EXPECT_TRUE(Contains(m.body, "to Teleradiologie failed: " + c.english)) << m.body;
    EXPECT_TRUE(Contains(m.subject, "Übertragung an Teleradiologie fehlgeschlagen / Transfer to Teleradiologie failed"));
    EXPECT_TRUE(Contains(m.body, "2 studies (12 DICOM instances)"));
    ExpectNoPatientData(m.subject + m.body);
  }
  EXPECT_EQ("", NoticeFacts::ForFailure(HostileOutboxTransfer("the mail server refused mail 512: no code"), "T", "K",
                                        Settings()).smtpCode);
}

// ------------------------------------------------------------------------------------------------ the mail

TEST(NoticeComposer, ClearSignedBySiteKeyWithoutPatientData)
{
  ReceivingTest::Sites& sites = ReceivingTest::Sites::Get();
  TestSupport::ScratchDirectory dir;
  const NoticeFacts facts = NoticeFacts::ForArrival(HostileInboxTransfer(), 2, "Praxis Dr. Müller", "Klinikum Süd",
                                                    Settings());
  const std::string path = dir.File("notice.eml");
  const ComposedSignedMail mail = NoticeComposer::Compose(facts, ReceivingTest::kHospital, "Klinikum Süd",
                                                          {"dienst@klinik.example", "it@klinik.example"},
                                                          sites.hospital.fingerprint, *sites.hospital.crypto, path);
  const std::string raw = ReceivingTest::ReadFile(path);
  EXPECT_EQ(raw.size(), mail.size);
  EXPECT_TRUE(Contains(raw, "Content-Type: multipart/signed;")) << raw;
  EXPECT_TRUE(Contains(raw, "protocol=\"application/pgp-signature\""));
  EXPECT_TRUE(Contains(raw, "Auto-Submitted: auto-generated\r\n"));
  EXPECT_TRUE(Contains(raw, "X-DICOM-Mail-Notice: arrival\r\n"));
  EXPECT_TRUE(Contains(raw, "To: <dienst@klinik.example>, <it@klinik.example>\r\n")) << raw;
  EXPECT_FALSE(Contains(raw, "multipart/encrypted"));
  ExpectNoPatientData(raw);

  // The first part is the entity exactly as signed; the referrer, who
  // certified the hospital's key, finds the signature valid.
  const std::string entity = NoticeComposer::BuildEntity(NoticeText::Write(facts));
  const size_t start = raw.find(entity);
  ASSERT_NE(std::string::npos, start);
  const size_t sigStart = raw.find("-----BEGIN PGP SIGNATURE-----");
  const size_t sigEnd = raw.find("-----END PGP SIGNATURE-----");
  ASSERT_NE(std::string::npos, sigEnd);
  const std::string signature = raw.substr(sigStart, sigEnd + 27 - sigStart);
  StringSource data(entity);
  EXPECT_TRUE(sites.referrer.crypto->Verify(signature, data).HasValidSignatureBy(sites.hospital.fingerprint));
  StringSource tampered(entity + "x");
  EXPECT_FALSE(sites.referrer.crypto->Verify(signature, tampered).HasValidSignatureBy(sites.hospital.fingerprint));
}

// ------------------------------------------------------------------------------------------------ at most once

TEST(NoticeStore, OneNoticePerTransferAndKindAcrossReopening)
{
  TempDirectory dir;
  const std::string path = dir.File("records.db");
  const std::string now = UtcTime::Now();
  {
    SqliteDatabase db(path);
    NoticeStore store(db);
    EXPECT_TRUE(store.Claim("set-1", NoticeKind::Arrival, {"a@b.example"}, now));
    EXPECT_FALSE(store.Claim("set-1", NoticeKind::Arrival, {"other@b.example"}, now));
    EXPECT_TRUE(store.Claim("set-1", NoticeKind::Failure, {"a@b.example"}, now));   // another kind
    const std::vector<QueuedNotice> due = store.ListDue(now, 10);
    ASSERT_EQ(2u, due.size());
    EXPECT_EQ(std::vector<std::string>({"a@b.example"}), due[0].recipients);
    store.MarkSent(due[0].id, now);
    EXPECT_EQ(1u, store.ListDue(now, 10).size());
  }
  // A restart: the same decision is not taken again, a sent one stays sent.
  SqliteDatabase db(path);
  NoticeStore store(db);
  EXPECT_FALSE(store.Claim("set-1", NoticeKind::Arrival, {"a@b.example"}, UtcTime::Now()));
  const std::vector<QueuedNotice> all = store.ListForTransfer("set-1");
  ASSERT_EQ(2u, all.size());
  EXPECT_EQ(NoticeState::Sent, all[0].state);
  EXPECT_EQ(NoticeState::Pending, all[1].state);
}

TEST(NoticeStore, RetriedWithBackoffThenRecordedFailed)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  NoticeStore store(db);
  const std::string now = "2026-12-07T10:00:00Z";
  ASSERT_TRUE(store.Claim("set-1", NoticeKind::Failure, {"a@b.example"}, now));
  const int64_t id = store.ListDue(now, 1).at(0).id;
  EXPECT_EQ(NoticeState::Pending, store.RecordFailure(id, "550 no such user", now, 10, 3));
  EXPECT_TRUE(store.ListDue(now, 10).empty());                       // not before its back-off
  EXPECT_EQ(1u, store.ListDue("2026-12-07T10:00:10Z", 10).size());
  EXPECT_EQ(NoticeState::Pending, store.RecordFailure(id, "again", "2026-12-07T10:00:10Z", 10, 3));
  EXPECT_EQ(NoticeState::Failed, store.RecordFailure(id, "and again", "2026-12-07T10:00:40Z", 10, 3));
  EXPECT_TRUE(store.ListDue("2027-01-01T00:00:00Z", 10).empty());    // given up for good
  const QueuedNotice n = store.ListForTransfer("set-1").at(0);
  EXPECT_EQ(3u, n.attempts);
  EXPECT_EQ("and again", n.lastError);
  EXPECT_FALSE(store.Claim("set-1", NoticeKind::Failure, {"a@b.example"}, now));   // and never decided again
}

TEST(NoticeStore, FindsTransfersThatCompletedOrFailedSinceAndHaveNoNotice)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  NoticeStore store(db);
  InboxStore inbox(db);
  OutboxStore outbox(db);

  InboxTransfer done = HostileInboxTransfer();
  done.completedAt = "2026-12-07T11:00:00Z";
  inbox.PutTransfer(done);
  InboxTransfer old = done;
  old.setId = "20261201.000000.00000001";
  old.completedAt = "2026-12-01T00:00:00Z";
  inbox.PutTransfer(old);
  InboxTransfer receiving = done;
  receiving.setId = "20261207.110000.00000002";
  receiving.state = InboxTransferState::Receiving;
  receiving.completedAt = "";
  inbox.PutTransfer(receiving);

  EXPECT_EQ(std::vector<std::string>({done.setId}), store.FindArrivals("2026-12-07T10:00:00Z"));
  store.Claim(done.setId, NoticeKind::Arrival, {"a@b.example"}, "2026-12-07T11:00:05Z");
  EXPECT_TRUE(store.FindArrivals("2026-12-07T10:00:00Z").empty());

  OutboxTransfer failed = HostileOutboxTransfer("x");
  failed.state = TransferState::Pending;
  failed.finished = "";
  OutboxMail mail;
  mail.part = 1;
  outbox.CreateTransfer(failed, {mail});
  const std::string before = UtcTime::Now();
  EXPECT_TRUE(store.FindFailures(before).empty());
  outbox.SetTransferState(failed.setId, TransferState::Sending, "");
  outbox.SetTransferState(failed.setId, TransferState::Failed, "boom");
  EXPECT_EQ(std::vector<std::string>({failed.setId}), store.FindFailures(before));
  EXPECT_TRUE(store.FindArrivals(before).empty());

  EXPECT_EQ("", store.GetScannedUntil());
  store.SetScannedUntil("2026-12-07T11:00:00Z");
  store.SetScannedUntil("2026-12-07T11:00:05Z");
  EXPECT_EQ("2026-12-07T11:00:05Z", store.GetScannedUntil());
}

// ------------------------------------------------------------------------------------------------ when

namespace
{
  PartnerSettings ConfiguredPartner(const std::string& name, const std::string& notifyWho)
  {
    PartnerSettings p;
    p.name = name;
    p.displayName = "Praxis " + name;
    p.addresses = { name + "@partner.example" };
    p.fromConfiguration = true;
    if (!notifyWho.empty())
    {
      p.notices.to = std::vector<std::string>{ notifyWho };
      p.notices.onArrival = true;   // over the site's false
    }
    return p;
  }

  InboxTransfer Completed(const std::string& setId, const std::string& partner, const std::string& at)
  {
    InboxTransfer t = HostileInboxTransfer();
    t.setId = setId;
    t.partner = partner;
    t.completedAt = at;
    return t;
  }
}

TEST(NoticePlanner, DecidesOnceForTransfersCompletedOrFailedSinceTheLastLook)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  NoticeStore notices(db);
  InboxStore inbox(db);
  OutboxStore outbox(db);
  PartnerStore partnerStore(db);
  // "praxis" wants notices of arrivals; "quiet" has none of its own, and the site says OnArrival false.
  PartnerDirectory partners({ConfiguredPartner("praxis", "dr@praxis.example"), ConfiguredPartner("quiet", "")},
                            partnerStore, 10000000);
  NoticeSettings site;
  site.to = std::vector<std::string>{ "it@klinik.example" };
  site.onArrival = false;
  NoticePlanner planner(notices, inbox, outbox, partners, site, "Klinikum");

  // Before the first look ever: nothing from the past.
  inbox.PutTransfer(Completed("20261207.090000.00000001", "praxis", "2026-12-07T09:00:00Z"));
  EXPECT_TRUE(planner.Plan("2026-12-07T10:00:00Z").empty());

  inbox.PutTransfer(Completed("20261207.100001.00000002", "praxis", "2026-12-07T10:00:01Z"));
  inbox.PutTransfer(Completed("20261207.100002.00000003", "quiet", "2026-12-07T10:00:02Z"));
  inbox.RecordStudy("20261207.100001.00000002", "orthanc-study-a");
  inbox.RecordStudy("20261207.100001.00000002", "orthanc-study-b");
  const std::vector<PlannedNotice> first = planner.Plan("2026-12-07T10:00:05Z");
  ASSERT_EQ(1u, first.size());
  EXPECT_EQ("20261207.100001.00000002", first[0].setId);
  EXPECT_EQ(NoticeKind::Arrival, first[0].kind);
  EXPECT_EQ("praxis", first[0].partner);
  // Looked at again (the window overlaps) and again: no second decision.
  EXPECT_TRUE(planner.Plan("2026-12-07T10:00:10Z").empty());
  EXPECT_TRUE(planner.Plan("2026-12-07T10:00:15Z").empty());

  // A transfer whose record committed after a look, with a time before it, is still found.
  inbox.PutTransfer(Completed("20261207.100009.00000004", "praxis", "2026-12-07T10:00:09Z"));
  ASSERT_EQ(1u, planner.Plan("2026-12-07T10:00:20Z").size());

  const std::vector<QueuedNotice> queued = notices.ListDue("2026-12-07T10:00:20Z", 10);
  ASSERT_EQ(2u, queued.size());
  EXPECT_EQ(std::vector<std::string>({"dr@praxis.example"}), queued[0].recipients);   // the partner's over the site's
  NoticeFacts facts;
  ASSERT_TRUE(planner.GetFacts(queued[0], facts));
  EXPECT_EQ(2u, facts.studies);
  EXPECT_EQ(412u, facts.instances);
  EXPECT_EQ("Praxis praxis", facts.partnerName);
  EXPECT_EQ("Klinikum", facts.siteName);

  // A failed send to "quiet" (no notices of its own): the site's settings hold, OnFailure by default.
  OutboxTransfer failed = HostileOutboxTransfer("boom");
  failed.partner = "quiet";
  failed.state = TransferState::Pending;
  failed.finished = "";
  OutboxMail mail;
  mail.part = 1;
  outbox.CreateTransfer(failed, {mail});
  outbox.SetTransferState(failed.setId, TransferState::Failed, "boom");
  const std::vector<PlannedNotice> failure = planner.Plan(UtcTime::Now());
  ASSERT_EQ(1u, failure.size());
  EXPECT_EQ(NoticeKind::Failure, failure[0].kind);
  EXPECT_EQ(std::vector<std::string>({"it@klinik.example"}), notices.ListForTransfer(failed.setId).at(0).recipients);

  // A notice whose transfer was deleted meanwhile has no facts.
  outbox.RemoveTransfer(failed.setId);
  EXPECT_FALSE(planner.GetFacts(notices.ListForTransfer(failed.setId).at(0), facts));
}

TEST(NoticePlanner, ALongStopLooksBackADayAtMost)
{
  EXPECT_EQ("2026-12-07T10:00:00Z", NoticePlanner::ScanStart("", "2026-12-07T10:00:00Z"));
  EXPECT_EQ("2026-12-07T09:58:00Z", NoticePlanner::ScanStart("2026-12-07T10:00:00Z", "2026-12-07T10:00:05Z"));
  EXPECT_EQ("2026-12-09T10:00:00Z", NoticePlanner::ScanStart("2026-12-01T00:00:00Z", "2026-12-10T10:00:00Z"));
}
