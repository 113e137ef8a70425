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
    bool qaTest = false;                  // a daily QA test (#17): marked inside the encrypted entity
    bool qaMonthly = false;               // with qaTest: the monthly measurement instead
    std::string setId;                    // "" for a new one; a routing rule's claim names it before (#18)
  };

  struct SendResponse
  {
    std::string jobId;
    std::string setId;
    std::vector<std::string> instanceIds;        // what the transfer carries
    std::vector<std::string> studyInstanceUids;
  };

  // The one way a transfer starts, for the REST route, auto-routing and
  // resends alike: checks the partner and its key, resolves the resources,
  // plans the mails, records the transfer in the outbox and submits the
  // send job. One request is one transfer (the wire profile's "set"), also
  // when it spans several studies, as a patient does. Returns at once (the
  // job runs in Orthanc's job engine).
  // Throws Error(NotFound / BadInput / Untrusted) with a message for the user
  // when the request cannot be served; nothing is recorded then.
  SendResponse SubmitTransfer(const SendRequest& request);

  // Sends a transfer that failed for good again, in a new job: the mails
  // the SMTP server has not accepted yet, under the same SetId. Checks the
  // partner and its key as SubmitTransfer does. Throws Error(NotFound) for
  // an unknown SetId, Error(BadInput) for a transfer that is not
  // resendable (OutboxStates::IsResendable). The answer has no instances.
  SendResponse ResendTransfer(const std::string& setId);
}
