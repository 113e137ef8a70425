// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/WakeableThread.h"
#include "Core/Forwarding/ForwardSchedule.h"
#include "Core/Store/ForwardStore.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // Hands complete received transfers on to the PACS, on a thread of its
  // own so receiving never waits for a DICOM association: takes what
  // ForwardSchedule says is due from the durable queue (ForwardStore),
  // starts Orthanc's C-STORE job for the transfer's instances, follows it,
  // and on success deletes the instances when DeleteAfterForward says so.
  // A failure is recorded with its reason and retried after a back-off.
  // Stop() leaves a running job to Orthanc; the next start follows it.
  class ForwardWorker
  {
  public:
    ForwardWorker() = default;
    ~ForwardWorker();
    ForwardWorker(const ForwardWorker&) = delete;
    ForwardWorker& operator=(const ForwardWorker&) = delete;

    void Start();
    void Stop();

    // A forward became due (the admin's retry): look now.
    void Wake();

  private:
    void Run();

    // One pass; returns the seconds to sleep.
    unsigned int Pass(ForwardStore& store);
    // The transfer's instances still in this Orthanc.
    static std::vector<std::string> InstancesOf(ForwardStore& store, const ForwardRecord& forward);
    void StartStore(ForwardStore& store, const ForwardRecord& forward);
    void FollowStore(ForwardStore& store, const ForwardRecord& forward);
    void Finish(ForwardStore& store, const ForwardRecord& forward);
    void Fail(ForwardStore& store, const ForwardRecord& forward, const std::string& error);

    WakeableThread thread_;
  };
}
