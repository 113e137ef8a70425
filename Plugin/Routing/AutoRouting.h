// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <orthanc/OrthancCPlugin.h>

#include <json/value.h>

namespace DicomMail
{
  // Auto-routing by the rules of "DicomMail.AutoRouting": Orthanc's change
  // callback hands stable studies and series to Enqueue, which only queues
  // them; a worker thread reads their tags, evaluates the rules and submits
  // the transfers.
  namespace AutoRouting
  {
    // Validates and keeps the rules (at plugin initialization). Throws
    // Error(Configuration) naming the rule and the field at fault.
    void Configure(const Json::Value& rules);

    // From the change callback: never waits for the worker. Other change
    // types are ignored.
    void Enqueue(OrthancPluginChangeType changeType, const char* resourceId);

    void Start();
    void Stop();
  }
}
