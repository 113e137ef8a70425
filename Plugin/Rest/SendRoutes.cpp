// SPDX-License-Identifier: GPL-3.0-or-later
// POST /dicom-mail/send and the outbox, the sender's own record.

#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"
#include "Core/Http/RequestValues.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/TransferSubmitter.h"

#include <chrono>
#include <thread>

namespace DicomMail
{
  namespace
  {
    Json::Value WaitForJob(const std::string& jobId)
    {
      for (;;)
      {
        Json::Value job;
        if (!OrthancApi::LookupJson("/jobs/" + jobId, job))
        {
          throw Error(ErrorKind::Internal, "job " + jobId + " disappeared");
        }
        const std::string state = job["State"].asString();
        if (state == "Success" || state == "Failure")
        {
          return job;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    }

    std::vector<std::string> GetResources(const Json::Value& resources)
    {
      std::vector<std::string> ids;
      if (resources.isString())
      {
        ids.push_back(resources.asString());
      }
      else if (resources.isArray())
      {
        for (const Json::Value& r : resources)
        {
          if (r.isString())
          {
            ids.push_back(r.asString());
          }
          else if (r.isObject() && r["ID"].isString())
          {
            ids.push_back(r["ID"].asString());   // the Transfers plugin's form
          }
          else
          {
            throw Error(ErrorKind::BadInput, "\"Resources\" must list Orthanc ids");
          }
        }
      }
      else if (!resources.isNull())
      {
        throw Error(ErrorKind::BadInput, "\"Resources\" must be a list of Orthanc ids");
      }
      return ids;
    }

    SendRequest ParseSendRequest(const Json::Value& body)
    {
      if (!body.isObject())
      {
        throw Error(ErrorKind::BadInput, "the request must be a JSON object");
      }
      for (const std::string& key : body.getMemberNames())
      {
        if (key != "Resources" && key != "Partner" && key != "Priority" && key != "Synchronous" &&
            key != "Asynchronous")
        {
          throw Error(ErrorKind::BadInput, "unknown field \"" + key + "\" in the request");
        }
      }
      SendRequest request;
      request.resources = GetResources(body["Resources"]);
      request.partner = RequestValues::GetRequiredString(body, "Partner");
      request.priority = RequestValues::GetInt(body, "Priority", request.priority);
      return request;
    }

    void Send(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      const Json::Value body = call.GetJsonBody();
      const SendRequest request = ParseSendRequest(body);
      const bool synchronous = !RequestValues::GetBool(body, "Asynchronous",
                                                       !RequestValues::GetBool(body, "Synchronous", false));

      const SendResponse response = SubmitTransfer(request);
      Json::Value answer;
      answer["ID"] = response.jobId;
      answer["Path"] = "/jobs/" + response.jobId;
      answer["SetId"] = response.setId;
      answer["Instances"] = static_cast<Json::UInt64>(response.instanceIds.size());
      answer["StudyInstanceUIDs"] = Json::arrayValue;
      for (const std::string& uid : response.studyInstanceUids)
      {
        answer["StudyInstanceUIDs"].append(uid);
      }
      if (synchronous)
      {
        const Json::Value job = WaitForJob(response.jobId);
        answer["State"] = job["State"];
        answer["Content"] = job["Content"];
      }
      call.AnswerJson(answer);
    }

    Json::Value ToJson(const OutboxTransfer& t)
    {
      Json::Value v;
      v["SetId"] = t.setId;
      v["Partner"] = t.partner;
      const std::string partnerName = PluginContext::Get().GetPartners().GetDisplayName(t.partner);
      v["PartnerName"] = partnerName.empty() ? Json::Value() : Json::Value(partnerName);
      v["Recipient"] = t.recipient;
      v["StudyInstanceUIDs"] = Json::arrayValue;
      for (const std::string& uid : t.studyInstanceUids)
      {
        v["StudyInstanceUIDs"].append(uid);
      }
      v["Created"] = t.created;
      v["Finished"] = t.finished.empty() ? Json::Value() : Json::Value(t.finished);
      v["State"] = ToString(t.state);
      v["Reason"] = t.reason;
      v["TotalInstances"] = t.totalInstances;
      v["TotalMails"] = t.totalMails;
      v["BytesSent"] = static_cast<Json::UInt64>(t.bytesSent);
      v["JobId"] = t.jobId;
      v["AcknowledgementsRequested"] = t.acknowledgementsRequested;
      return v;
    }

    Json::Value ToJson(const OutboxMail& m)
    {
      Json::Value v;
      v["Part"] = m.part;
      v["MessageId"] = m.messageId;
      v["State"] = ToString(m.state);
      v["Instances"] = static_cast<Json::UInt64>(m.instances.size());
      v["Bytes"] = static_cast<Json::UInt64>(m.bytes);
      v["Attempts"] = m.attempts;
      v["SentAt"] = m.sentAt.empty() ? Json::Value() : Json::Value(m.sentAt);
      v["DurationMs"] = static_cast<Json::UInt64>(m.durationMs);
      v["Acknowledgement"] = m.ackDisposition.empty() ? Json::Value() : Json::Value(m.ackDisposition);
      v["AcknowledgedAt"] = m.ackAt.empty() ? Json::Value() : Json::Value(m.ackAt);
      v["Reason"] = m.reason;
      v["Fragments"] = m.fragments;
      v["Compress"] = m.compress;   // as planned; the partner's Compression still applies
      return v;
    }

    void AddMailCounts(Json::Value& v, const std::vector<OutboxMail>& mails)
    {
      unsigned int sent = 0, acknowledged = 0;
      for (const OutboxMail& m : mails)
      {
        sent += OutboxStates::IsDelivered(m.state) ? 1 : 0;
        acknowledged += OutboxStates::IsAcknowledged(m.state) ? 1 : 0;
      }
      v["MailsSent"] = sent;
      v["MailsAcknowledged"] = acknowledged;
    }

    void ListOutbox(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      OutboxStore& outbox = PluginContext::Get().GetOutbox();
      const unsigned int limit = call.GetCountArgument("limit", 100);
      const unsigned int since = call.GetCountArgument("since", 0, UINT32_MAX);
      const TransferFilter filter = call.GetTransferFilter(OutboxStore::GetTransferStates());
      Json::Value result = Json::arrayValue;
      for (const OutboxTransfer& t : outbox.ListTransfers(limit, since, filter))
      {
        OutboxTransfer transfer;
        std::vector<OutboxMail> mails;
        outbox.GetTransfer(t.setId, transfer, mails);
        Json::Value v = ToJson(t);
        AddMailCounts(v, mails);
        result.append(v);
      }
      call.AnswerJson(result);
    }

    void OneTransfer(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      OutboxTransfer transfer;
      std::vector<OutboxMail> mails;
      if (!PluginContext::Get().GetOutbox().GetTransfer(call.GetGroup(0), transfer, mails))
      {
        throw Error(ErrorKind::NotFound, "no transfer with SetId \"" + call.GetGroup(0) + "\" in the outbox");
      }
      Json::Value v = ToJson(transfer);
      AddMailCounts(v, mails);
      // What the partner's TransferSyntax did to the instances (#19).
      v["InstanceNotes"] = Json::objectValue;
      for (const auto& note : PluginContext::Get().GetInstanceNotes().Get(transfer.setId))
      {
        v["InstanceNotes"][note.first] = static_cast<Json::UInt64>(note.second);
      }
      v["Mails"] = Json::arrayValue;
      for (const OutboxMail& m : mails)
      {
        v["Mails"].append(ToJson(m));
      }
      call.AnswerJson(v);
    }

    // POST /dicom-mail/outbox/{setid}/resend
    void Resend(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      const SendResponse response = ResendTransfer(call.GetGroup(0));
      Json::Value answer;
      answer["ID"] = response.jobId;
      answer["Path"] = "/jobs/" + response.jobId;
      answer["SetId"] = response.setId;
      call.AnswerJson(answer);
    }
  }

  void RegisterSendRoutes()
  {
    RegisterRoute<Send>("/dicom-mail/send");
    RegisterRoute<ListOutbox>("/dicom-mail/outbox");
    RegisterRoute<OneTransfer>("/dicom-mail/outbox/([^/]+)");
    RegisterRoute<Resend>("/dicom-mail/outbox/([^/]+)/resend");
  }
}
