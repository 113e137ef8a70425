// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Instances/InstanceTranscoder.h"

#include "Core/Sending/TranscodePolicy.h"
#include "Plugin/Instances/DicomInstanceHandle.h"

#include <limits>
#include <vector>

namespace DicomMail
{
  namespace
  {
    std::string TransferSyntaxOf(const DicomInstanceHandle& instance)
    {
      return OrthancApi::OrthancString(
        OrthancPluginGetInstanceTransferSyntaxUid(OrthancApi::GetContext(), instance.Get())).ToString();
    }

    std::string SopInstanceUidOf(const DicomInstanceHandle& instance)
    {
      OrthancApi::OrthancString json(OrthancPluginGetInstanceSimplifiedJson(OrthancApi::GetContext(),
                                                                             instance.Get()));
      if (json.IsNull())
      {
        return "";
      }
      return OrthancApi::ParseJson(json.ToString())["SOPInstanceUID"].asString();
    }
  }

  InstanceTranscoder::InstanceTranscoder(const std::string& targetSyntax) :
    target_(targetSyntax)
  {
  }

  InstanceTranscoder::Result InstanceTranscoder::Transcode(const void* file, size_t size,
                                                           OrthancApi::MemoryBuffer& target) const
  {
    Result result;
    if (target_.empty())
    {
      return result;
    }
    if (size > std::numeric_limits<uint32_t>::max())
    {
      result.note = TranscodePolicy::kTranscoderFailed;   // the SDK takes 32-bit sizes
      return result;
    }
    OrthancPluginContext* context = OrthancApi::GetContext();
    DicomInstanceHandle parsed(OrthancPluginCreateDicomInstance(context, file, static_cast<uint32_t>(size)));
    if (parsed.IsNull())
    {
      result.note = TranscodePolicy::kTranscoderFailed;
      return result;
    }
    if (!TranscodePolicy::ShouldTranscode(TransferSyntaxOf(parsed), target_, result.note))
    {
      return result;
    }
    if (OrthancPluginHasInstancePixelData(context, parsed.Get()) <= 0)
    {
      result.note = TranscodePolicy::kNoPixelData;
      return result;
    }
    DicomInstanceHandle transcoded(OrthancPluginTranscodeDicomInstance(context, file, static_cast<uint32_t>(size),
                                                                        target_.c_str()));
    if (transcoded.IsNull() || TransferSyntaxOf(transcoded) != target_ ||
        OrthancPluginSerializeDicomInstance(context, &target, transcoded.Get()) != OrthancPluginErrorCode_Success)
    {
      target.Clear();
      result.note = TranscodePolicy::kTranscoderFailed;
      return result;
    }
    result.transcoded = true;
    result.note = TranscodePolicy::kTranscoded;
    result.sopInstanceUid = SopInstanceUidOf(transcoded);
    return result;
  }

  bool InstanceTranscoder::CanEncode(const std::string& syntax)
  {
    OrthancPluginContext* context = OrthancApi::GetContext();
    // An 8x8 grey image: enough for an encoder to exist or not.
    std::vector<uint8_t> pixels(64, 128);
    OrthancPluginImage* image = OrthancPluginCreateImageAccessor(context, OrthancPluginPixelFormat_Grayscale8, 8, 8,
                                                                 8, pixels.data());
    if (image == nullptr)
    {
      return false;
    }
    OrthancApi::MemoryBuffer dicom;
    const OrthancPluginErrorCode created = OrthancPluginCreateDicom(
      context, &dicom, "{\"SOPClassUID\":\"1.2.840.10008.5.1.4.1.1.7\",\"Modality\":\"OT\"}", image,
      OrthancPluginCreateDicomFlags_GenerateIdentifiers);
    OrthancPluginFreeImage(context, image);
    if (created != OrthancPluginErrorCode_Success || dicom.GetSize() == 0)
    {
      return false;
    }
    DicomInstanceHandle transcoded(OrthancPluginTranscodeDicomInstance(
      context, dicom.GetData(), static_cast<uint32_t>(dicom.GetSize()), syntax.c_str()));
    return !transcoded.IsNull() && TransferSyntaxOf(transcoded) == syntax;
  }
}
