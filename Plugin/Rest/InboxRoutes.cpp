// SPDX-License-Identifier: GPL-3.0-or-later
// The receiver's record (/dicom-mail/inbox) and POST /dicom-mail/fetch.

#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"

#include <algorithm>
#include "Core/Store/UtcTime.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Rest/ForwardJson.h"
#include "Plugin/Workers/Workers.h"

namespace DicomMail
{
  namespace
  {
    Json::Value Nullable(const std::string& s)
    {
      return s.empty() ? Json::Value() : Json::Value(s);
    }

    Json::Value ToJson(const InboxTransfer& t)
    {
      Json::Value v;
      v["SetId"] = t.setId;
      v["Partner"] = Nullable(t.partner);
      v["PartnerName"] = Nullable(PluginContext::Get().GetPartners().GetDisplayName(t.partner));
      v["Sender"] = t.senderAddress;
      v["SignerFingerprint"] = Nullable(t.signerFingerprint);
      v["MailsReceived"] = t.mailsReceived;
      v["MailsExpected"] = t.mailsExpected;
      v["InstancesImported"] = t.instancesImported;
      v["InstancesFailed"] = t.instancesFailed;
      v["InstancesAlreadyStored"] = t.instancesAlreadyStored;
      v["FirstReceived"] = Nullable(t.firstReceived);
      v["CompletedAt"] = Nullable(t.completedAt);
      v["SenderDate"] = Nullable(t.senderDate);
      v["LastImportAt"] = Nullable(t.lastImportAt);
      // DIN 6868-159: from the sender's Date to the last instance imported.
      if (!t.senderDate.empty() && !t.lastImportAt.empty())
      {
        v["TransferSeconds"] = static_cast<Json::Int64>(UtcTime::ToUnix(t.lastImportAt) -
                                                        UtcTime::ToUnix(t.senderDate));
      }
      else
      {
        v["TransferSeconds"] = Json::Value();
      }
      v["Bytes"] = static_cast<Json::UInt64>(t.bytes);
      v["State"] = ToString(t.state);
      v["Reasons"] = Json::arrayValue;
      for (const std::string& r : t.reasons)
      {
        v["Reasons"].append(r);
      }
      // Orthanc ids of the studies it went into: the page links to them.
      v["Studies"] = Json::arrayValue;
      for (const std::string& study : PluginContext::Get().GetInbox().ListStudies(t.setId))
      {
        v["Studies"].append(study);
      }
      v["Forward"] = ForwardToJson(t.setId);
      return v;
    }

    Json::Value ToJson(const InboxMail& m)
    {
      Json::Value v;
      v["Id"] = static_cast<Json::Int64>(m.id);
      v["SetId"] = m.setId;
      // The clear SETID of a mail that was not authenticated: a claim only.
      v["ClaimedSetId"] = m.claimedSetId;
      v["Part"] = m.part;
      v["Total"] = m.total;
      v["MessageId"] = m.messageId;
      v["Account"] = m.account;
      // Whatever the sender wrote into its clear From header, decoded: shown,
      // never trusted (the partner is who signed, see the transfer).
      v["FromName"] = m.fromName;
      v["State"] = ToString(m.state);
      v["Reason"] = m.reason;
      // Set only for an authenticated mail taken from a spam folder.
      if (!m.foundIn.empty())
      {
        v["FoundIn"] = m.foundIn;
      }
      v["ReceivedAt"] = Nullable(m.receivedAt);
      v["ProcessedAt"] = Nullable(m.processedAt);
      v["Disposition"] = Nullable(m.disposition);
      v["Bytes"] = static_cast<Json::UInt64>(m.bytes);
      v["Kept"] = !m.storedPath.empty();
      // An MDN answering one of our mails; its Disposition is what it reports.
      v["Acknowledgement"] = m.acknowledgement;
      return v;
    }

    void ListInbox(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      InboxStore& inbox = PluginContext::Get().GetInbox();
      const unsigned int limit = call.GetCountArgument("limit", 100);
      const unsigned int since = call.GetCountArgument("since", 0, UINT32_MAX);
      const TransferFilter filter = call.GetTransferFilter(InboxStore::GetTransferStates());
      Json::Value result = Json::arrayValue;
      for (const InboxTransfer& t : inbox.ListTransfers(limit, since, filter))
      {
        result.append(ToJson(t));
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
      InboxStore& inbox = PluginContext::Get().GetInbox();
      InboxTransfer transfer;
      if (!inbox.GetTransfer(call.GetGroup(0), transfer))
      {
        throw Error(ErrorKind::NotFound, "no transfer with SetId \"" + call.GetGroup(0) + "\" in the inbox");
      }
      Json::Value v = ToJson(transfer);
      v["Mails"] = Json::arrayValue;
      for (const InboxMail& m : inbox.ListMails(transfer.setId))
      {
        v["Mails"].append(ToJson(m));
      }
      call.AnswerJson(v);
    }

    void Retry(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      // Quarantined mails are not filed under a transfer: they are found by
      // the SETID they claim.
      const std::string setId = call.GetGroup(0);
      InboxStore& inbox = PluginContext::Get().GetInbox();
      InboxTransfer transfer;
      bool claimed = false;
      for (const InboxMail& m : inbox.ListQuarantined())
      {
        claimed = claimed || m.claimedSetId == setId || m.setId == setId;
      }
      if (!claimed && !inbox.GetTransfer(setId, transfer))
      {
        throw Error(ErrorKind::NotFound, "no transfer with SetId \"" + setId + "\" in the inbox");
      }
      const unsigned int imported = Workers::RetryQuarantined(setId);
      Json::Value v;
      if (inbox.GetTransfer(setId, transfer))
      {
        v = ToJson(transfer);
      }
      else
      {
        v["SetId"] = setId;
        v["State"] = ToString(imported == 0 ? InboxMailState::Quarantined : InboxMailState::Imported);
      }
      v["MailsImported"] = imported;
      call.AnswerJson(v);
    }

    // Every mail received, e.g. ?state=rejected: also those that could not
    // be filed under a transfer (unreadable, hostile).
    void ListMails(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      const std::string state = call.GetArgument("state", "");
      const std::vector<InboxMailState>& all = AllInboxMailStates();
      const auto named = std::find_if(all.begin(), all.end(),
                                      [&state](InboxMailState s) { return state == ToString(s); });
      if (!state.empty() && named == all.end())
      {
        throw Error(ErrorKind::BadInput, "unknown state \"" + state + "\"");
      }
      const unsigned int limit = call.GetCountArgument("limit", 1000);
      InboxStore& inbox = PluginContext::Get().GetInbox();
      Json::Value result = Json::arrayValue;
      for (const InboxMail& m : state.empty() ? inbox.ListRecentMails(limit) : inbox.ListMailsByState(*named, limit))
      {
        result.append(ToJson(m));
      }
      call.AnswerJson(result);
    }

    void Quarantine(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      Json::Value result = Json::arrayValue;
      for (const InboxMail& m : PluginContext::Get().GetInbox().ListQuarantined())
      {
        result.append(ToJson(m));
      }
      call.AnswerJson(result);
    }

    void Fetch(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      call.AnswerJson(Workers::PollNow(600));
    }
  }

  void RegisterInboxRoutes()
  {
    RegisterRoute<ListInbox>("/dicom-mail/inbox");
    RegisterRoute<Quarantine>("/dicom-mail/quarantine");
    RegisterRoute<ListMails>("/dicom-mail/mails");
    RegisterRoute<OneTransfer>("/dicom-mail/inbox/([^/]+)");
    RegisterRoute<Retry>("/dicom-mail/inbox/([^/]+)/retry");
    RegisterRoute<Fetch>("/dicom-mail/fetch");
  }
}
