// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Workers/AcknowledgementSender.h"

#include "Core/Acknowledgement/AcknowledgementComposer.h"
#include "Core/Cluster/ClusterView.h"
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Sending/SendingLeases.h"
#include "Core/Store/MailClaimStore.h"
#include "Core/Store/UtcMillis.h"
#include "Core/Store/UtcTime.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/SendingNode.h"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace DicomMail
{
  namespace
  {
    // Also the look for rows another path queued without waking us.
    const int64_t kScanInterval = 30;
    const unsigned int kBatch = 50;

    int64_t Now()
    {
      return static_cast<int64_t>(time(nullptr));
    }

    // The claim of one queued MDN (#18), released when its send is over
    // (sent, failed, or stopped), so that any node may retry a failed one.
    class AcknowledgementClaim
    {
    public:
      AcknowledgementClaim(MailClaimStore& claims, int64_t id) :
        claims_(claims),
        key_(std::to_string(id)),
        shared_(PluginContext::Get().GetConfiguration().database.engine == DatabaseEngine::PostgreSQL)
      {
        const int64_t now = UtcMillis::Now();
        // SQLite: one node, nobody to share the queue with.
        ours_ = !shared_ || claims_.Claim(kClaimSpace, key_, PluginContext::Get().GetNode(), now,
                                          ClusterView::LiveSince(now));
      }

      ~AcknowledgementClaim()
      {
        if (ours_ && shared_)
        {
          try
          {
            claims_.Release(kClaimSpace, key_, PluginContext::Get().GetNode());
          }
          catch (...)
          {
            // Ours until this node's heartbeat stops; then another node's.
          }
        }
      }

      bool IsOurs() const
      {
        return ours_;
      }

    private:
      static constexpr const char* kClaimSpace = "#acknowledgements";
      MailClaimStore& claims_;
      std::string key_;
      bool shared_;
      bool ours_ = false;
    };
  }

  AcknowledgementSender::~AcknowledgementSender()
  {
    Stop();
  }

  void AcknowledgementSender::Start()
  {
    thread_.Start([this] { Run(); });
  }

  void AcknowledgementSender::Stop()
  {
    thread_.Stop();
  }

  void AcknowledgementSender::Wake()
  {
    thread_.Wake();
  }

  void AcknowledgementSender::Run()
  {
    AcknowledgementQueueStore queue(PluginContext::Get().GetInbox().GetDatabase());
    int64_t pausedUntil = 0;   // while the server fails, nothing is tried before this
    for (;;)
    {
      int64_t next = Now() + kScanInterval;
      if (Now() >= pausedUntil)
      {
        try
        {
          next = SendDue(queue, pausedUntil);
        }
        catch (const std::exception& e)
        {
          smtp_.reset();
          OrthancApi::LogError(std::string("cannot work through the acknowledgement queue: ") + e.what());
        }
      }

      const int64_t now = Now();
      const bool paused = pausedUntil > now;
      const int64_t wait = std::max<int64_t>(0, std::min(paused ? pausedUntil : next, now + kScanInterval) - now);
      // Woken while paused: the new ones wait with the others for the server.
      if (thread_.Sleep(std::chrono::seconds(wait), !paused))
      {
        break;   // what is not sent stays queued for the next start
      }
    }
    smtp_.reset();
    crypto_.reset();
  }

  int64_t AcknowledgementSender::SendDue(AcknowledgementQueueStore& queue, int64_t& pausedUntil)
  {
    MailClaimStore claims(PluginContext::Get().GetInbox().GetDatabase());
    const unsigned int retryDelay = PluginContext::Get().GetConfiguration().smtp.retryDelay;
    for (;;)
    {
      // In batches, so that ones queued meanwhile go out in the same pass.
      // Claimed: each is sent by one node of the site (#18).
      const std::vector<QueuedAcknowledgement> due =
        queue.ClaimDue(SendingNode::Terms(SendingLeases::kAcknowledgementSeconds), kBatch);
      if (due.empty())
      {
        break;
      }
      bool claimedAny = false;
      for (const QueuedAcknowledgement& acknowledgement : due)
      {
        // Several nodes work through one queue (#18): each MDN is sent by
        // the node that claims it, and by another only once that one died.
        const AcknowledgementClaim claim(claims, acknowledgement.id);
        QueuedAcknowledgement current;
        if (!claim.IsOurs() || !queue.Get(acknowledgement.id, current) || !current.sentAt.empty())
        {
          continue;   // another node's, or sent by it since we listed it
        }
        claimedAny = true;
        std::string error;
        bool serverTrouble = false;
        if (SendOne(acknowledgement, error, serverTrouble))
        {
          queue.MarkSent(acknowledgement.id, UtcTime::Now());
          continue;
        }
        if (thread_.IsStopping())
        {
          return Now();   // cancelled by Stop(): not a failure of this one
        }
        const std::string retry = queue.RecordFailure(acknowledgement.id, error, UtcTime::Now(), retryDelay);
        OrthancApi::LogWarning("cannot send the acknowledgement for transfer " + acknowledgement.content.setId +
                               " to " + acknowledgement.recipient + " (attempt " +
                               std::to_string(acknowledgement.attempts + 1) + ", next at " + retry + "): " + error);
        if (serverTrouble)
        {
          pausedUntil = UtcTime::ToUnix(retry);
          return pausedUntil;
        }
      }
      if (!claimedAny)
      {
        break;   // the rest is another node's: look again at the next scan
      }
    }
    const std::string next = queue.GetNextAttemptAt();
    return next.empty() ? Now() + kScanInterval : UtcTime::ToUnix(next);
  }

  bool AcknowledgementSender::SendOne(const QueuedAcknowledgement& acknowledgement, std::string& error,
                                      bool& serverTrouble)
  {
    try
    {
      PluginContext& context = PluginContext::Get();
      const Configuration& config = context.GetConfiguration();
      if (!crypto_)
      {
        crypto_ = context.NewCrypto();
      }

      TempFile file(config.workingDirectory, ".mdn");
      AcknowledgementComposer::Compose(acknowledgement.content, config.siteAddress, config.siteName,
                                       acknowledgement.recipient, AcknowledgementComposer::kDefaultSubject,
                                       context.GetSiteFingerprint(), *crypto_, file.GetPath(),
                                       context.GetPartners().GetDisplayNameByAddress(acknowledgement.recipient));
      // One connection for all acknowledgements: a TLS handshake and AUTH per
      // MDN would cost more than the MDN itself.
      if (!smtp_)
      {
        smtp_.reset(new SmtpSender(context.GetSmtpAccount(), config.smtp.heloName));
      }
      FileSource source(file.GetPath());
      // RFC 3798: an MDN goes with the null return path, so it never bounces.
      const SmtpResult result = smtp_->Send("", {acknowledgement.recipient}, source, source.GetSize(),
                                            [this](uint64_t, uint64_t) { return !thread_.IsStopping(); });
      if (result.ok)
      {
        context.GetStatusBoard().ReportSuccess(StatusBoard::kSmtpAccount);
        return true;
      }
      if (!result.cancelled)
      {
        context.GetStatusBoard().ReportError(StatusBoard::kSmtpAccount, result.message);
      }
      smtp_.reset();   // a fresh connection for the next one
      error = result.message;
      serverTrouble = !result.permanent;
      return false;
    }
    catch (const std::exception& e)
    {
      smtp_.reset();
      error = e.what();
      serverTrouble = false;   // this one could not be composed; the next ones may well be
      return false;
    }
  }
}
