// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Sending/MailProductionLine.h"
#include "Core/Sending/MailUpload.h"
#include "Core/Sending/TransferMailBuilder.h"
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
  // Sends the mails of one outbox transfer. The outbox is the state: the
  // job serializes only its SetId and run (and mails to resend), so after an
  // Orthanc restart it resumes with the mails the SMTP server has not
  // accepted yet. It holds the transfer for its node while it runs (#18):
  // another node resumes the transfer of a node that died.
  //
  // Step() never blocks: the production line builds mails on its threads
  // (TransferMailBuilder), a MailUpload sends one at a time on its own
  // thread with the SMTP retries, and each Step() waits at most ~100 ms for
  // either. Orthanc applies Cancel and Pause between steps; Stop() then
  // cancels the upload or its back-off within about a second.
  class SendJob : public OrthancJob
  {
  public:
    static const char* const kType;

    // "run": the run of jobs for the transfer this one belongs to
    // (OutboxStore::BeginRun); a job whose run was superseded (another node
    // took the transfer over, or a resend began) ends without sending (#18).
    // "resendParts": mails already sent that go again (no acknowledgement,
    // or a retryable negative one); the job marks them for sending with
    // "resendReason" when it starts.
    SendJob(const std::string& setId, int64_t run, const std::vector<unsigned int>& resendParts = {},
            const std::string& resendReason = "");
    ~SendJob() override;

    // For OrthancPluginRegisterJobsUnserializer.
    static OrthancPluginJob* Unserialize(const char* type, const char* serialized);

  protected:
    StepResult Step() override;
    void Stop(OrthancPluginJobStopReason reason) override;
    void Reset() override;

  private:
    void Serialize();
    void Start();
    std::vector<unsigned int> LoadTransfer();
    void LoadSopUids(uint64_t& setBytes);
    std::unique_ptr<ReadyMail> Compose(unsigned int part, unsigned int worker);
    StepResult StartUpload();
    StepResult PollUpload();
    void RecordSent();
    void PublishContent();
    StepResult Fail(const std::string& reason);
    bool HoldTransfer();
    StepResult Superseded();
    void Halt();

    // Mails encrypted at once: gpg and our MIME/armor work use one core each.
    static const unsigned int kComposers = 2;

    std::string setId_;
    int64_t run_;
    std::vector<unsigned int> resendParts_;
    std::string resendReason_;
    bool started_ = false;
    OutboxTransfer transfer_;
    std::map<unsigned int, OutboxMail> mails_;
    std::map<std::string, std::string> sopUids_;   // Orthanc id -> SOP Instance UID
    std::string transferSyntax_;                   // the partner's, "" = as stored (#19)
    bool pseudonymise_ = false;                    // the partner's (#19)
    std::unique_ptr<TransferMailBuilder> builder_;
    std::unique_ptr<MailProductionLine> line_;
    std::vector<std::unique_ptr<OpenPgpContext> > cryptos_;   // one per production-line worker
    std::unique_ptr<SmtpSender> smtp_;
    std::unique_ptr<ReadyMail> current_;             // the mail being uploaded
    std::unique_ptr<MailUpload> upload_;             // uses smtp_ and current_: declared after them
    std::chrono::steady_clock::time_point uploadBegin_;
    std::chrono::steady_clock::time_point startedAt_;
    uint64_t bytesThisRun_ = 0;
    uint64_t dicomBytesThisRun_ = 0;
    unsigned int mailsSent_ = 0;
    std::string reason_;
  };
}
