// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Plugin/OrthancApi.h"

#include <json/value.h>

#include <mutex>
#include <string>

namespace DicomMail
{
  // C++ face of OrthancPluginCreateJob: subclasses implement Step() and keep
  // their public content and serialization up to date; the C callbacks and
  // the exception barrier live here. The job engine owns the object.
  class OrthancJob
  {
  public:
    explicit OrthancJob(const std::string& type);
    virtual ~OrthancJob() = default;

    // Hands the job to Orthanc's engine; returns the job id. The engine then
    // owns and deletes this object.
    static std::string Submit(OrthancJob* job, int priority);

    // The C object for an unserializer, which must return it unsubmitted.
    static OrthancPluginJob* Create(OrthancJob* job);

  protected:
    enum class StepResult
    {
      Continue,
      Success,
      Failure
    };

    virtual StepResult Step() = 0;
    virtual void Stop(OrthancPluginJobStopReason reason) = 0;
    virtual void Reset() = 0;

    void UpdateProgress(float progress);
    void UpdateContent(const Json::Value& content);
    void UpdateSerialized(const Json::Value& serialized);

  private:
    static void CallbackFinalize(void* job);
    static float CallbackGetProgress(void* job);
    static const char* CallbackGetContent(void* job);
    static const char* CallbackGetSerialized(void* job);
    static OrthancPluginJobStepStatus CallbackStep(void* job);
    static OrthancPluginErrorCode CallbackStop(void* job, OrthancPluginJobStopReason reason);
    static OrthancPluginErrorCode CallbackReset(void* job);

    std::string type_;
    std::mutex mutex_;
    float progress_ = 0;
    std::string content_ = "{}";
    std::string serialized_;
    std::string contentCopy_;      // returned to Orthanc, stable until next call
    std::string serializedCopy_;
  };
}
