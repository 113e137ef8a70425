// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Routing/RoutingWorker.h"

#include "Core/QualityAssurance/QaTestSeries.h"
#include "Core/Routing/RoutingPlanner.h"
#include "Core/Sending/SendingLeases.h"
#include "Core/Transfer/SetId.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Routing/OrthancRoutingReader.h"
#include "Plugin/Sending/SendingNode.h"
#include "Plugin/Sending/TransferSubmitter.h"

namespace DicomMail
{
  namespace
  {
    // Logs name rules, partners and Orthanc ids only: no patient data.
    std::string Describe(const RoutingDecision& decision, const RoutedStudy& study)
    {
      return "auto-routing rule \"" + decision.ruleName + "\" -> partner \"" + decision.partner + "\", study " +
        study.orthancId;
    }
  }

  RoutingWorker::RoutingWorker(const std::vector<RoutingRule>& rules, RoutingQueue& queue) :
    rules_(rules),
    queue_(queue),
    stop_(false)
  {
  }

  RoutingWorker::~RoutingWorker()
  {
    Stop();
  }

  void RoutingWorker::Start()
  {
    stop_ = false;
    queue_.Reopen();
    thread_ = std::thread(&RoutingWorker::Run, this);
  }

  void RoutingWorker::Stop()
  {
    stop_ = true;
    queue_.Close();
    if (thread_.joinable())
    {
      thread_.join();
    }
  }

  void RoutingWorker::Run()
  {
    while (!stop_)
    {
      RoutingEvent event;
      if (!queue_.Pop(event, std::chrono::milliseconds(1000)))
      {
        continue;
      }
      try
      {
        Process(event);
      }
      catch (const std::exception& e)
      {
        // The resource is looked at again when it next becomes stable.
        OrthancApi::LogError("auto-routing of " + std::string(ToString(event.level)) + " " + event.resourceId +
                             " failed: " + e.what());
      }
    }
  }

  void RoutingWorker::Process(const RoutingEvent& event)
  {
    const OrthancRoutingReader reader(RoutingPlanner::FilterTags(rules_, event.level));
    RoutedStudy study;
    const bool found = event.level == RoutingLevel::Study ?
      reader.ReadStudy(event.resourceId, study) : reader.ReadSeries(event.resourceId, study);
    if (!found || study.studyInstanceUid.empty())
    {
      OrthancApi::LogInfo("auto-routing: " + std::string(ToString(event.level)) + " " + event.resourceId +
                          " no longer exists");
      return;
    }
    if (study.studyInstanceUid == QaTestSeries::StudyInstanceUid())
    {
      return;   // the built-in QA series, put into Orthanc for a daily test: never a clinical transfer (#17)
    }

    RoutingStore& store = PluginContext::Get().GetRouting();
    RoutingPlanner::Inputs inputs;
    inputs.trigger = event.level;
    inputs.senders = store.GetSenders(study.studyInstanceUid);
    inputs.sentInstances = [&store, &study](const std::string& partner) {
      return store.GetSentInstances(partner, study.studyInstanceUid);
    };

    for (const RoutingDecision& decision : RoutingPlanner::Plan(rules_, study, inputs))
    {
      if (decision.outcome != RoutingOutcome::Send)
      {
        OrthancApi::LogInfo(Describe(decision, study) + ": " + ToString(decision.outcome));
        continue;
      }
      // Claimed before it is submitted (#18): a rule that fires for the
      // study on two nodes at once sends each instance once.
      SendRequest request;
      request.setId = SetId::Generate();
      request.resources = store.Claim(decision.ruleName, decision.partner, study.studyInstanceUid,
                                      decision.instanceIds, request.setId,
                                      SendingNode::Terms(SendingLeases::kRoutingSeconds));
      if (request.resources.empty())
      {
        OrthancApi::LogInfo(Describe(decision, study) + ": sent or being sent by another node");
        continue;
      }
      request.partner = decision.partner;
      request.origin = "rule:" + decision.ruleName;
      try
      {
        const SendResponse response = SubmitTransfer(request);
        store.ConfirmClaim(response.setId);
        OrthancApi::LogWarning(Describe(decision, study) + ": sending " + std::to_string(response.instanceIds.size()) +
                               " instance(s) as transfer " + response.setId + ", job " + response.jobId);
      }
      catch (const std::exception& e)
      {
        // Not recorded as sent: the next stable event tries again.
        store.ReleaseClaim(request.setId);
        OrthancApi::LogError(Describe(decision, study) + ": cannot send: " + e.what());
      }
    }
  }
}
