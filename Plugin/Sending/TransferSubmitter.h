// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  struct SendRequest
  {
    std::vector<std::string> resources;   // Orthanc ids: patients, studies, series or instances
    std::string partner;
    int priority = 0;
    std::string origin = "rest";          // "rest", "lua", or "rule:<name>" (logged, kept in the outbox)
  };

  // One transfer: one study, one SetId, one send job.
  struct SendResponse
  {
    std::string jobId;
    std::string setId;
    std::string studyInstanceUid;
    std::vector<std::string> instanceIds;        // what the transfer carries
  };

  // The one way transfers start, for the REST route, auto-routing and
  // resends alike: checks the partner and its key, resolves the resources,
  // and for each study among them plans the mails, records the transfer in
  // the outbox and submits its send job. Returns at once (the jobs run in
  // Orthanc's job engine), one response per study in the order the request
  // named them.
  // Throws Error(NotFound / BadInput / Untrusted) with a message for the user
  // when the request cannot be served; nothing is recorded then.
  std::vector<SendResponse> SubmitTransfers(const SendRequest& request);
}
