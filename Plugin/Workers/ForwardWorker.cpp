// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Workers/ForwardWorker.h"

#include "Core/Common/Error.h"
#include "Core/Sending/SendingLeases.h"
#include "Core/Store/UtcTime.h"
#include "Plugin/Forwarding/OrthancDicomStore.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/SendingNode.h"

#include <algorithm>
#include <chrono>
#include <set>

namespace DicomMail
{
  namespace
  {
    // How often a running job is looked at, and how often the queue is
    // looked at for transfers the poller completed (it does not wake us).
    const unsigned int kFollowInterval = 1;
    const unsigned int kScanInterval = 2;
  }

  ForwardWorker::~ForwardWorker()
  {
    Stop();
  }

  void ForwardWorker::Start()
  {
    thread_.Start([this] { Run(); });
  }

  void ForwardWorker::Stop()
  {
    thread_.Stop();
  }

  void ForwardWorker::Wake()
  {
    thread_.Wake();
  }

  void ForwardWorker::Run()
  {
    ForwardStore store(PluginContext::Get().GetInbox().GetDatabase());
    for (;;)
    {
      unsigned int sleep = kScanInterval;
      try
      {
        sleep = Pass(store);
      }
      catch (const std::exception& e)
      {
        OrthancApi::LogError(std::string("DICOM-Mail forwarding: ") + e.what());
      }
      if (thread_.Sleep(std::chrono::seconds(sleep)))
      {
        return;
      }
    }
  }

  unsigned int ForwardWorker::Pass(ForwardStore& store)
  {
    std::string wakeAt;
    const std::string now = UtcTime::Now();
    const std::vector<ForwardStep> steps = ForwardSchedule::Plan(store.ListUnfinished(), now, wakeAt);
    bool running = false;
    for (const ForwardStep& step : steps)
    {
      // One node works each modality's head (#18); a job that ran on a node
      // that died is unknown here: its forward starts again.
      bool fromOtherNode = false;
      if (!store.Claim(step.forward.id, SendingNode::Terms(SendingLeases::kForwardSeconds), fromOtherNode))
      {
        continue;
      }
      if (step.kind == ForwardStep::Kind::Start || fromOtherNode)
      {
        StartStore(store, step.forward);
      }
      else
      {
        FollowStore(store, step.forward);
      }
      running = true;
    }
    if (running)
    {
      return kFollowInterval;
    }
    // A waiting head is not looked at before it is due; new ones may come.
    const int64_t untilDue = wakeAt.empty() ? kScanInterval : UtcTime::ToUnix(wakeAt) - UtcTime::ToUnix(now);
    return static_cast<unsigned int>(std::max<int64_t>(1, std::min<int64_t>(untilDue, kScanInterval)));
  }

  std::vector<std::string> ForwardWorker::InstancesOf(ForwardStore& store, const ForwardRecord& forward)
  {
    const std::vector<std::string> recorded = store.ListInstances(forward.setId);
    return OrthancDicomStore::InstancesOfTransfer(PluginContext::Get().GetInbox().ListStudies(forward.setId),
                                                  forward.setId, std::set<std::string>(recorded.begin(),
                                                                                       recorded.end()));
  }

  void ForwardWorker::StartStore(ForwardStore& store, const ForwardRecord& forward)
  {
    const std::vector<std::string> instances = InstancesOf(store, forward);
    if (instances.empty())
    {
      // Someone deleted it from this Orthanc before its turn: nothing is left
      // to hand on, and waiting for it would hold up the transfers behind it.
      OrthancApi::LogWarning("transfer " + forward.setId + " is not forwarded to modality \"" + forward.modality +
                             "\": none of its instances is in this Orthanc any more");
      store.MarkForwarded(forward.id, 0, UtcTime::Now(), false);
      return;
    }
    try
    {
      const std::string job = OrthancDicomStore::Start(forward.modality, instances);
      store.MarkStarted(forward.id, job, static_cast<unsigned int>(instances.size()), UtcTime::Now());
      OrthancApi::LogInfo("forwarding transfer " + forward.setId + " (" + std::to_string(instances.size()) +
                          " instance(s)) to modality \"" + forward.modality + "\": job " + job);
    }
    catch (const Error& e)
    {
      Fail(store, forward, e.what());
    }
  }

  void ForwardWorker::FollowStore(ForwardStore& store, const ForwardRecord& forward)
  {
    const OrthancDicomStore::JobProgress progress = OrthancDicomStore::Follow(forward.jobId);
    switch (progress.outcome)
    {
      case OrthancDicomStore::JobProgress::Outcome::Running:
        return;
      case OrthancDicomStore::JobProgress::Outcome::Succeeded:
        Finish(store, forward);
        return;
      default:
        Fail(store, forward, progress.error);
        return;
    }
  }

  void ForwardWorker::Finish(ForwardStore& store, const ForwardRecord& forward)
  {
    bool deleted = false;
    if (PluginContext::Get().GetConfiguration().forwarding.deleteAfterForward)
    {
      // Only now that the PACS has them; an instance another transfer still
      // has to hand on stays.
      std::vector<std::string> instances = InstancesOf(store, forward);
      const std::vector<std::string> shared = store.SharedWithOthers(forward.setId, instances);
      instances.erase(std::remove_if(instances.begin(), instances.end(), [&shared](const std::string& id) {
        return std::find(shared.begin(), shared.end(), id) != shared.end();
      }), instances.end());
      const unsigned int kept = OrthancDicomStore::Delete(instances);
      deleted = kept == 0;
      if (kept > 0)
      {
        OrthancApi::LogWarning("transfer " + forward.setId + " was forwarded, but " + std::to_string(kept) +
                               " of its instance(s) could not be deleted from this Orthanc");
      }
    }
    store.MarkForwarded(forward.id, forward.instances, UtcTime::Now(), deleted);
    OrthancApi::LogInfo("forwarded transfer " + forward.setId + " to modality \"" + forward.modality + "\"" +
                        (deleted ? ", and deleted it here" : ""));
  }

  void ForwardWorker::Fail(ForwardStore& store, const ForwardRecord& forward, const std::string& error)
  {
    const std::string next = store.RecordFailure(forward.id, error, UtcTime::Now(),
                                                 PluginContext::Get().GetConfiguration().forwarding.retryDelay);
    OrthancApi::LogWarning("cannot forward transfer " + forward.setId + " to modality \"" + forward.modality +
                           "\", will retry at " + next + ": " + error);
  }
}
