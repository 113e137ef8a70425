// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Jobs/OrthancJob.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  OrthancJob::OrthancJob(const std::string& type) :
    type_(type)
  {
  }

  void OrthancJob::UpdateProgress(float progress)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    progress_ = progress < 0 ? 0 : (progress > 1 ? 1 : progress);
  }

  void OrthancJob::UpdateContent(const Json::Value& content)
  {
    const std::string text = OrthancApi::WriteJson(content, false);
    std::lock_guard<std::mutex> lock(mutex_);
    content_ = text;
  }

  void OrthancJob::UpdateSerialized(const Json::Value& serialized)
  {
    const std::string text = OrthancApi::WriteJson(serialized, false);
    std::lock_guard<std::mutex> lock(mutex_);
    serialized_ = text;
  }

  void OrthancJob::CallbackFinalize(void* job)
  {
    delete static_cast<OrthancJob*>(job);
  }

  float OrthancJob::CallbackGetProgress(void* job)
  {
    OrthancJob& self = *static_cast<OrthancJob*>(job);
    std::lock_guard<std::mutex> lock(self.mutex_);
    return self.progress_;
  }

  const char* OrthancJob::CallbackGetContent(void* job)
  {
    OrthancJob& self = *static_cast<OrthancJob*>(job);
    std::lock_guard<std::mutex> lock(self.mutex_);
    self.contentCopy_ = self.content_;
    return self.contentCopy_.c_str();
  }

  const char* OrthancJob::CallbackGetSerialized(void* job)
  {
    OrthancJob& self = *static_cast<OrthancJob*>(job);
    std::lock_guard<std::mutex> lock(self.mutex_);
    if (self.serialized_.empty())
    {
      return nullptr;   // not serializable
    }
    self.serializedCopy_ = self.serialized_;
    return self.serializedCopy_.c_str();
  }

  OrthancPluginJobStepStatus OrthancJob::CallbackStep(void* job)
  {
    try
    {
      switch (static_cast<OrthancJob*>(job)->Step())
      {
        case StepResult::Continue:
          return OrthancPluginJobStepStatus_Continue;
        case StepResult::Success:
          return OrthancPluginJobStepStatus_Success;
        default:
          return OrthancPluginJobStepStatus_Failure;
      }
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("job step failed: ") + e.what());
      return OrthancPluginJobStepStatus_Failure;
    }
    catch (...)
    {
      OrthancApi::LogError("job step failed with an unknown exception");
      return OrthancPluginJobStepStatus_Failure;
    }
  }

  OrthancPluginErrorCode OrthancJob::CallbackStop(void* job, OrthancPluginJobStopReason reason)
  {
    try
    {
      static_cast<OrthancJob*>(job)->Stop(reason);
      return OrthancPluginErrorCode_Success;
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("job stop failed: ") + e.what());
      return OrthancPluginErrorCode_Plugin;
    }
  }

  OrthancPluginErrorCode OrthancJob::CallbackReset(void* job)
  {
    try
    {
      static_cast<OrthancJob*>(job)->Reset();
      return OrthancPluginErrorCode_Success;
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("job reset failed: ") + e.what());
      return OrthancPluginErrorCode_Plugin;
    }
  }

  OrthancPluginJob* OrthancJob::Create(OrthancJob* job)
  {
    OrthancPluginJob* orthancJob = OrthancPluginCreateJob(
      OrthancApi::GetContext(), job, CallbackFinalize, job->type_.c_str(), CallbackGetProgress,
      CallbackGetContent, CallbackGetSerialized, CallbackStep, CallbackStop, CallbackReset);
    if (orthancJob == nullptr)
    {
      delete job;
      throw Error(ErrorKind::Internal, "Orthanc refused to create the job");
    }
    return orthancJob;
  }

  std::string OrthancJob::Submit(OrthancJob* job, int priority)
  {
    OrthancPluginJob* orthancJob = Create(job);
    OrthancApi::OrthancString id(OrthancPluginSubmitJob(OrthancApi::GetContext(), orthancJob, priority));
    if (id.IsNull())
    {
      OrthancPluginFreeJob(OrthancApi::GetContext(), orthancJob);
      throw Error(ErrorKind::Internal, "Orthanc refused to submit the job");
    }
    return id.ToString();
  }
}
