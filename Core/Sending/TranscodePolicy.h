// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Which instances a partner's TransferSyntax changes (#19), one rule for
  // the planner (sizes, compression inside OpenPGP) and for the sender.
  namespace TranscodePolicy
  {
    // What the transfer record counts for each instance sent.
    extern const char* const kTranscoded;
    extern const char* const kAlreadyInSyntax;
    extern const char* const kAlreadyCompressed;
    extern const char* const kNoPixelData;
    extern const char* const kTranscoderFailed;

    // Whether an instance stored in "stored" is to be transcoded to
    // "target" ("" = as stored). When not, and a target is set, "note" says
    // why it goes as stored. A compressed instance is never recompressed:
    // it is either already what the target syntax brings, or lossy (and
    // decoding it to encode again gains nothing), so only an uncompressed
    // target (a partner that reads no compression) decodes it.
    bool ShouldTranscode(const std::string& stored, const std::string& target, std::string& note);

    // The transfer syntax the instance is planned to leave in.
    std::string PlannedSyntax(const std::string& stored, const std::string& target);

    // The size the planner assumes for it: lossless compression of CT and
    // MR keeps 35 to 50 % (60 % assumed, a mail of instances that keep more
    // is split as message/partial rather than refused); decompressing a
    // compressed file is assumed to triple it.
    uint64_t PlannedSize(uint64_t storedSize, const std::string& stored, const std::string& target);
  }
}
