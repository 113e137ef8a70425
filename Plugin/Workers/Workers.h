// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/value.h>

#include <string>

namespace DicomMail
{
  // The plugin's background threads: one poller per incoming account and
  // the acknowledgement tracker, the forwarder. Started on OrthancStarted (the REST API is
  // usable only then), stopped on OrthancStopped.
  namespace Workers
  {
    void Start();
    void Stop();
    bool IsRunning();

    // Polls every account now, all at once, and waits (at most
    // timeoutSeconds in all) for the results; an account still busy then
    // answers an "Error".
    Json::Value PollNow(unsigned int timeoutSeconds);

    // This node, the other live nodes of the site and who polls each
    // mailbox (#18); null while the workers are not running.
    Json::Value ClusterStatus();

    // A forward to the PACS became due: the forwarder looks now.
    void WakeForwarder();

    // Processes a quarantined transfer's kept mails again.
    unsigned int RetryQuarantined(const std::string& setId);
  }
}
