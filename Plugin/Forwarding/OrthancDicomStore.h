// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  // Orthanc's own C-STORE to one of its DicomModalities, as a job: the
  // forwarder starts it and follows it, never waits on the association.
  namespace OrthancDicomStore
  {
    struct JobProgress
    {
      enum class Outcome
      {
        Running,    // pending, running, paused or waiting to retry
        Succeeded,  // the modality took every instance
        Failed,     // "error" says why
        Lost        // Orthanc no longer knows the job (restarted without it)
      };

      Outcome outcome = Outcome::Running;
      std::string error;
    };

    // POST /modalities/{modality}/store, asynchronous; returns the job id.
    // Throws Error saying why Orthanc refused (unknown modality...).
    std::string Start(const std::string& modality, const std::vector<std::string>& instanceIds);

    JobProgress Follow(const std::string& jobId);

    // The instances of a received transfer still in this Orthanc: those of
    // "studies" (where it went) that were recorded for it at import, or that
    // carry its SetId metadata (imported before forwarding was configured).
    // One deleted meanwhile is left out rather than failing every attempt.
    std::vector<std::string> InstancesOfTransfer(const std::vector<std::string>& studies, const std::string& setId,
                                                 const std::set<std::string>& recorded);

    // Deletes the instances from this Orthanc; those already gone count as
    // deleted. Returns how many could not be deleted.
    unsigned int Delete(const std::vector<std::string>& instanceIds);
  }
}
