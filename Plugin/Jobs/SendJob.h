// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Sending/MailProductionLine.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Transport/SmtpSender.h"
#include "Plugin/Jobs/OrthancJob.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace DicomMail
{
  // Sends the mails of one outbox transfer. The outbox (SQLite) is the
  // state: the job serializes only its SetId, so after an Orthanc restart
  // it resumes with the mails the SMTP server has not accepted yet.
  //
  // Each Step() uploads at most one mail (or fragment set) while the
  // production line encrypts the next ones on its own thread.
  class SendJob : public OrthancJob
  {
  public:
    static const char* const kType;

    explicit SendJob(const std::string& setId);
    ~SendJob() override;

    // For OrthancPluginRegisterJobsUnserializer.
    static OrthancPluginJob* Unserialize(const char* type, const char* serialized);

  protected:
    StepResult Step() override;
    void Stop(OrthancPluginJobStopReason reason) override;
    void Reset() override;

  private:
    void Start();
    std::unique_ptr<ReadyMail> Compose(unsigned int part, unsigned int worker);

    // Mails encrypted at once: gpg and our MIME/armor work use one core each.
    static const unsigned int kComposers = 2;
    bool Upload(ReadyMail& mail, std::string& failure);
    void PublishContent();
    StepResult Fail(const std::string& reason);

    std::string setId_;
    bool started_ = false;
    OutboxTransfer transfer_;
    std::map<unsigned int, OutboxMail> mails_;
    std::map<std::string, std::string> sopUids_;   // Orthanc id -> SOP Instance UID
    uint64_t setBytes_ = 0;
    PartnerSettings partner_;
    std::unique_ptr<MailProductionLine> line_;
    std::vector<std::unique_ptr<OpenPgpContext> > cryptos_;   // one per production-line worker
    std::unique_ptr<SmtpSender> smtp_;
    std::chrono::steady_clock::time_point startedAt_;
    uint64_t bytesThisRun_ = 0;
    uint64_t dicomBytesThisRun_ = 0;
    unsigned int mailsSent_ = 0;
    std::string reason_;
  };
}
