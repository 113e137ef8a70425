// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Instances/OrthancInstanceSource.h"

#include "Core/Common/Error.h"
#include "Core/Pseudonymisation/PseudonymProfile.h"
#include "Plugin/OrthancApi.h"

#include <cstring>

namespace DicomMail
{
  namespace
  {
    // A source over an Orthanc-owned buffer, freed with the source.
    class BufferSource : public ByteSource
    {
    public:
      BufferSource()
      {
      }

      OrthancApi::MemoryBuffer& GetBuffer()
      {
        return buffer_;
      }

      size_t Read(void* target, size_t size) override
      {
        const size_t n = std::min(size, buffer_.GetSize() - position_);
        memcpy(target, static_cast<const char*>(buffer_.GetData()) + position_, n);
        position_ += n;
        return n;
      }

    private:
      OrthancApi::MemoryBuffer buffer_;
      size_t position_ = 0;
    };
  }

  OrthancInstanceSource::OrthancInstanceSource(const std::string& targetSyntax, InstancePseudonymiser* pseudonymiser) :
    transcoder_(targetSyntax),
    pseudonymiser_(pseudonymiser)
  {
  }

  std::unique_ptr<ByteSource> OrthancInstanceSource::Open(const std::string& orthancId)
  {
    changedSopInstanceUid_.clear();
    std::unique_ptr<ByteSource> original;
    const void* data = nullptr;
    size_t size = 0;
    if (pseudonymiser_ != nullptr)
    {
      InstancePseudonymiser::Result copy = pseudonymiser_->Pseudonymise(orthancId);
      notes_[copy.mayHaveBurnedInText ? PseudonymProfile::kMayHaveBurnedInText : PseudonymProfile::kPseudonymised]++;
      changedSopInstanceUid_ = copy.sopInstanceUid;
      std::unique_ptr<StringSource> source(new StringSource(std::move(copy.file)));
      data = source->GetContent().data();
      size = source->GetContent().size();
      original = std::move(source);
    }
    else
    {
      std::unique_ptr<BufferSource> source(new BufferSource);
      // The direct service, not GET /instances/{id}/file: the REST route
      // copies the file once more into an HTTP answer first.
      if (OrthancPluginGetDicomForInstance(OrthancApi::GetContext(), &source->GetBuffer(), orthancId.c_str()) !=
          OrthancPluginErrorCode_Success)
      {
        throw Error(ErrorKind::NotFound, "instance " + orthancId + " is no longer in Orthanc");
      }
      data = source->GetBuffer().GetData();
      size = source->GetBuffer().GetSize();
      original = std::move(source);
    }
    std::unique_ptr<BufferSource> transcoded(new BufferSource);
    const InstanceTranscoder::Result result = transcoder_.Transcode(data, size, transcoded->GetBuffer());
    if (!result.note.empty())
    {
      notes_[result.note]++;
    }
    if (!result.transcoded)
    {
      return original;   // as stored (or as pseudonymised), never a failed transfer
    }
    changedSopInstanceUid_ = result.sopInstanceUid;
    return transcoded;
  }

  OrthancInstanceSource::InstanceFacts OrthancInstanceSource::GetFacts(const std::string& orthancId)
  {
    Json::Value instance;
    if (!OrthancApi::LookupJson("/instances/" + orthancId, instance))
    {
      throw Error(ErrorKind::NotFound, "instance " + orthancId + " is no longer in Orthanc");
    }
    InstanceFacts facts;
    facts.sopInstanceUid = instance["MainDicomTags"]["SOPInstanceUID"].asString();
    facts.fileSize = instance["FileSize"].asUInt64();
    return facts;
  }
}
