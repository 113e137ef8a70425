// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Mime/MimeLimits.h"

#include <memory>
#include <string>

namespace DicomMail
{
  class FileSink;

  // Where a decrypted entity goes while gpg writes it (#15). It waits for
  // the top-level header block and then chooses: an entity signed inside
  // the encryption (multipart/signed, sign-then-encrypt) is read twice
  // (split, then verified) and goes to the file "filePath"; any other entity
  // goes on to "stream" as it arrives, so that no file holds it. A header
  // block it cannot read goes to the file too, where the reader that reads
  // the file reports why.
  class PlaintextRouter : public ByteSink
  {
  public:
    PlaintextRouter(const std::string& filePath, ByteSink& stream, const MimeLimits& limits);
    ~PlaintextRouter() override;
    PlaintextRouter(const PlaintextRouter&) = delete;
    PlaintextRouter& operator=(const PlaintextRouter&) = delete;

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;

    // After the last byte: chooses if it has not yet (a short entity) and
    // writes the file's buffer out.
    void Finish();

    bool WentToFile() const
    {
      return file_ != nullptr;
    }

  private:
    void Choose();

    std::string filePath_;
    ByteSink& stream_;
    MimeLimits limits_;
    std::string head_;   // bytes held until the header block is complete
    ByteSink* target_ = nullptr;
    std::unique_ptr<FileSink> file_;
  };
}
