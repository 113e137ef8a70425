// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Plugin/OrthancApi.h"

namespace DicomMail
{
  // Owns an OrthancPluginDicomInstance made by the plugin (parsed or
  // transcoded), freed with the handle.
  class DicomInstanceHandle
  {
  public:
    explicit DicomInstanceHandle(OrthancPluginDicomInstance* instance) :
      instance_(instance)
    {
    }

    ~DicomInstanceHandle()
    {
      if (instance_ != nullptr)
      {
        OrthancPluginFreeDicomInstance(OrthancApi::GetContext(), instance_);
      }
    }

    DicomInstanceHandle(const DicomInstanceHandle&) = delete;
    DicomInstanceHandle& operator=(const DicomInstanceHandle&) = delete;

    bool IsNull() const
    {
      return instance_ == nullptr;
    }

    const OrthancPluginDicomInstance* Get() const
    {
      return instance_;
    }

  private:
    OrthancPluginDicomInstance* instance_;
  };
}
