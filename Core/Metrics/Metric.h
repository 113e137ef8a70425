// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  // One value for Orthanc's Prometheus endpoint. Orthanc 1.10's plugin SDK
  // takes a name and a float, no labels: what would be a label (partner,
  // mailbox) is a sanitized suffix of the name (MetricNames).
  struct Metric
  {
    std::string name;
    double value = 0;
  };

  using MetricList = std::vector<Metric>;
}
