// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Sending/TranscodePolicy.h"

#include "Core/Transfer/TransferSyntax.h"

namespace DicomMail
{
  namespace TranscodePolicy
  {
    const char* const kTranscoded = "transcoded";
    const char* const kAlreadyInSyntax = "as stored: already in the transfer syntax";
    const char* const kAlreadyCompressed = "as stored: already compressed";
    const char* const kNoPixelData = "as stored: no pixel data";
    const char* const kTranscoderFailed = "as stored: the transcoder refused it";

    namespace
    {
      const uint64_t kCompressedPercent = 60;
      const uint64_t kDecompressedFactor = 3;
    }

    bool ShouldTranscode(const std::string& stored, const std::string& target, std::string& note)
    {
      note.clear();
      if (target.empty())
      {
        return false;
      }
      if (stored == target)
      {
        note = kAlreadyInSyntax;
        return false;
      }
      if (!TransferSyntax::IsUncompressed(stored) && !TransferSyntax::IsUncompressed(target))
      {
        note = kAlreadyCompressed;
        return false;
      }
      return true;
    }

    std::string PlannedSyntax(const std::string& stored, const std::string& target)
    {
      std::string note;
      return ShouldTranscode(stored, target, note) ? target : stored;
    }

    uint64_t PlannedSize(uint64_t storedSize, const std::string& stored, const std::string& target)
    {
      const std::string planned = PlannedSyntax(stored, target);
      if (planned == stored)
      {
        return storedSize;
      }
      if (TransferSyntax::IsUncompressed(stored) && !TransferSyntax::IsUncompressed(planned))
      {
        return storedSize * kCompressedPercent / 100;
      }
      if (!TransferSyntax::IsUncompressed(stored) && TransferSyntax::IsUncompressed(planned))
      {
        return storedSize * kDecompressedFactor;
      }
      return storedSize;
    }
  }
}
