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
}
