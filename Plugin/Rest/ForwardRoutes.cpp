// SPDX-License-Identifier: GPL-3.0-or-later
// The hand-over of received transfers to the PACS:
// POST /dicom-mail/inbox/{setid}/forward, and its part of the inbox's answers.

#include "Plugin/Rest/ForwardJson.h"
#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"
#include "Core/Store/UtcTime.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Workers/Workers.h"

namespace DicomMail
{
  namespace
  {
    Json::Value Nullable(const std::string& s)
    {
      return s.empty() ? Json::Value() : Json::Value(s);
    }

    // Try a waiting forward now, without its back-off.
    void RetryForward(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      const std::string setId = call.GetGroup(0);
      ForwardStore& forwards = PluginContext::Get().GetForwards();
      ForwardRecord forward;
      if (!forwards.Get(setId, forward))
      {
        throw Error(ErrorKind::NotFound, "transfer \"" + setId + "\" is not queued for forwarding (not complete, "
                    "or no Forwarding applies to its partner)");
      }
      if (!forwards.RetryNow(setId, UtcTime::Now()))
      {
        throw Error(ErrorKind::BadInput, "the forward of transfer \"" + setId + "\" is " + ToString(forward.state) +
                    ", not waiting");
      }
      Workers::WakeForwarder();
      call.AnswerJson(ForwardToJson(setId));
    }
  }

  Json::Value ForwardToJson(const std::string& setId)
  {
    ForwardRecord f;
    if (!PluginContext::Get().GetForwards().Get(setId, f))
    {
      return Json::Value();
    }
    Json::Value v;
    v["State"] = ToString(f.state);
    v["Modality"] = f.modality;
    v["QueuedAt"] = f.queuedAt;
    v["Attempts"] = f.attempts;
    v["Reason"] = Nullable(f.lastError);
    v["LastAttemptAt"] = Nullable(f.lastAttemptAt);
    v["NextAttemptAt"] = f.state == ForwardState::Queued || f.state == ForwardState::Retrying ?
      Nullable(f.nextAttemptAt) : Json::Value();
    v["Instances"] = f.instances;
    v["ForwardedAt"] = Nullable(f.forwardedAt);
    v["Deleted"] = f.deleted;
    return v;
  }

  Json::Value ForwardingStatus()
  {
    PluginContext& context = PluginContext::Get();
    const ForwardingSettings& settings = context.GetConfiguration().forwarding;
    const ForwardQueueSummary summary = context.GetForwards().Summarize();
    if (settings.modality.empty() && settings.partners.empty() && summary.waiting == 0)
    {
      return Json::Value();
    }
    Json::Value v;
    v["Modality"] = Nullable(settings.modality);
    v["Waiting"] = static_cast<Json::UInt64>(summary.waiting);
    v["Failing"] = static_cast<Json::UInt64>(summary.failing);
    v["OldestWaiting"] = Nullable(summary.oldestWaiting);
    v["LastError"] = Nullable(summary.lastError);
    return v;
  }

  void RegisterForwardRoutes()
  {
    RegisterRoute<RetryForward>("/dicom-mail/inbox/([^/]+)/forward");
  }
}
