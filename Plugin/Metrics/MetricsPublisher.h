// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace DicomMail
{
  // Feeds Orthanc's Prometheus endpoint (/tools/metrics-prometheus). Orthanc
  // calls back before it answers a scrape; the publisher then computes every
  // value from the records (MetricsCollector) and hands it to
  // OrthancPluginSetMetricsValue. So the values are as fresh as the scrape,
  // and no thread or counter is needed in the send and receive code.
  namespace MetricsPublisher
  {
    void Register();   // in OrthancPluginInitialize, after the PluginContext exists
  }
}
