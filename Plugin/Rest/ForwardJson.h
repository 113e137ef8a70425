// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/value.h>

#include <string>

namespace DicomMail
{
  // The inbox transfer's hand-over to the PACS as REST answers it: null when
  // it is not forwarded (not complete yet, or no Forwarding applies), else
  // its State, Modality, Attempts, Reason, NextAttempt, Instances,
  // ForwardedAt and Deleted.
  Json::Value ForwardToJson(const std::string& setId);

  // For GET /dicom-mail/status: null when nothing is forwarded, else the
  // site's Modality, how many transfers are Waiting, how many of them are
  // Failing, the OldestWaiting and the LastError.
  Json::Value ForwardingStatus();
}
