// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/QualityAssurance/TestTransfer.h"

#include "Core/Common/Error.h"
#include "Core/QualityAssurance/QaTestSeries.h"
#include "Core/Store/UtcMillis.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/QualityAssurance/DailyTests.h"
#include "Plugin/Sending/TransferSubmitter.h"

namespace DicomMail
{
  namespace TestTransfer
  {
    namespace
    {
      // The built-in series goes through Orthanc like any study, so the send
      // job reads it as it reads every other (stored once: fixed UIDs).
      std::vector<std::string> UploadGeneratedSeries()
      {
        std::vector<std::string> ids;
        for (const QaTestSeries::Instance& instance : QaTestSeries::Generate())
        {
          const OrthancApi::RestAnswer answer = OrthancApi::Call(OrthancPluginHttpMethod_Post, "/instances",
                                                                 instance.content.data(), instance.content.size());
          if (answer.status != 200)
          {
            throw Error(ErrorKind::Internal, "Orthanc refused the QA test series (HTTP " +
                        std::to_string(answer.status) + ")");
          }
          ids.push_back(OrthancApi::ParseJson(answer.body)["ID"].asString());
        }
        return ids;
      }

      std::string FindStudy(const std::string& studyInstanceUid)
      {
        const OrthancApi::RestAnswer answer = OrthancApi::Call(OrthancPluginHttpMethod_Post, "/tools/lookup",
                                                               studyInstanceUid.data(), studyInstanceUid.size());
        if (answer.status == 200)
        {
          for (const Json::Value& match : OrthancApi::ParseJson(answer.body))
          {
            if (match["Type"].asString() == "Study")
            {
              return match["ID"].asString();
            }
          }
        }
        throw Error(ErrorKind::NotFound, "the QA test study " + studyInstanceUid + " is not in Orthanc");
      }
    }

    SubmittedTestTransfer Submit(const std::string& partner, const std::string& trigger, bool monthly)
    {
      SubmittedTestTransfer result;
      if (!DailyTests::FindSchedule(partner, result.schedule))
      {
        throw Error(ErrorKind::NotFound, "partner \"" + partner + "\" has no QA schedule");
      }
      SendRequest request;
      request.partner = partner;
      request.origin = std::string(monthly ? "qa-monthly-measurement (" : "qa-daily-test (") + trigger + ")";
      request.qaTest = true;
      request.qaMonthly = monthly;
      request.resources = result.schedule.UsesGeneratedTestData() ? UploadGeneratedSeries() :
        std::vector<std::string>{ FindStudy(result.schedule.testData) };

      result.startedMs = UtcMillis::Now();
      const SendResponse response = SubmitTransfer(request);
      result.setId = response.setId;
      result.instances = static_cast<unsigned int>(response.instanceIds.size());
      OutboxTransfer transfer;
      std::vector<OutboxMail> mails;
      if (Read(response.setId, transfer, mails))
      {
        result.dicomBytes = transfer.totalBytes;
      }
      result.deadlineMs = result.startedMs + static_cast<int64_t>(result.schedule.acknowledgementTimeout) * 1000;
      return result;
    }

    bool Read(const std::string& setId, OutboxTransfer& transfer, std::vector<OutboxMail>& mails)
    {
      return PluginContext::Get().GetOutbox().GetTransfer(setId, transfer, mails);
    }
  }
}
