// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Mime/PgpArmorReader.h"
#include "Core/Transfer/Sha256.h"

#include <memory>
#include <string>

namespace DicomMail
{
  // The body of the application/octet-stream part of multipart/encrypted:
  // armored OpenPGP as RFC 3156 says, or - liberally - binary OpenPGP
  // (recognised by the packet tag bit of its first byte). Binary OpenPGP
  // goes to "next"; its SHA-256 is kept (an id for mails without a
  // Message-ID).
  class OpenPgpPayloadSink : public ByteSink
  {
  public:
    explicit OpenPgpPayloadSink(ByteSink& next);
    ~OpenPgpPayloadSink() override;

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;
    void Flush() override;

    // Completes the armor check. Throws Error(BadInput): empty payload, no
    // BEGIN/END line, CRC mismatch, armor that is not a "PGP MESSAGE".
    void Finish();

    // True when the armor failed in a way transmission causes (checksum
    // mismatch, END line missing: cut off) rather than a malformed sender.
    static bool IsTransmissionDamage(const std::string& errorMessage);

    uint64_t GetBinarySize() const
    {
      return binarySize_;
    }

    std::string GetSha256();

  private:
    class Tee;

    enum class Mode
    {
      Undecided,
      Armored,
      Binary
    };

    uint64_t binarySize_ = 0;
    Sha256 hash_;
    std::string digest_;
    std::unique_ptr<Tee> tee_;   // after what it refers to
    std::unique_ptr<PgpArmorReader> armor_;
    Mode mode_ = Mode::Undecided;
  };
}
