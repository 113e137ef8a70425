// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Mime/MimeWriter.h"
#include "Core/Sending/IInstanceSource.h"
#include "Core/Sending/MailEnvelope.h"
#include "Core/Transfer/Manifest.h"
#include "Core/Transfer/Sha256.h"

#include <memory>
#include <string>
#include <vector>

namespace DicomMail
{
  // The plaintext that gets signed and encrypted (docs/wire-format.md §3),
  // produced on demand: the gpg process that signs and encrypts
  // (GpgSignEncrypt) is fed by reading this source, which writes just enough
  // of the multipart/mixed entity to answer, one instance at a time.
  // The manifest comes last, after every instance has been hashed on its way
  // through.
  class DicomEntitySource : public ByteSource
  {
  public:
    DicomEntitySource(const MailEnvelope& envelope,
                      const std::vector<MailInstance>& instances,
                      const SetTotals& totals,
                      IInstanceSource& source);
    ~DicomEntitySource() override;

    size_t Read(void* buffer, size_t size) override;

    // Valid once the source is exhausted.
    const Manifest& GetManifest() const
    {
      return manifest_;
    }

    uint64_t GetDicomBytes() const
    {
      return dicomBytes_;
    }

  private:
    enum class State
    {
      Start,
      NextInstance,
      InInstance,
      Manifest,
      Done
    };

    void Produce();   // appends the next chunk to pending_
    void WriteKeyPart();

    const MailEnvelope& envelope_;
    const std::vector<MailInstance>& instances_;
    IInstanceSource& source_;
    StringSink pending_;
    size_t pendingOffset_ = 0;
    MimeWriter writer_;
    State state_ = State::Start;
    size_t index_ = 0;
    std::unique_ptr<ByteSource> current_;
    ByteSink* body_ = nullptr;
    std::unique_ptr<Sha256> hash_;
    uint64_t currentSize_ = 0;
    uint64_t dicomBytes_ = 0;
    Manifest manifest_;
    std::vector<char> chunk_;
  };
}
