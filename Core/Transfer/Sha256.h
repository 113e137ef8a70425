// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <memory>
#include <string>

namespace DicomMail
{
  // Streaming SHA-256 (libgcrypt): write any amount of data, then ask for the
  // digest once. Used to fill and to verify the manifest's "SHA256" values.
  class Sha256 : public ByteSink
  {
  public:
    Sha256();
    ~Sha256() override;
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;

    // 64 lower-case hex digits. Ends the computation: later writes throw.
    std::string FinishHex();

    static std::string OfString(const std::string& data);

    // Hashes a whole source with a bounded buffer.
    static std::string OfSource(ByteSource& source);

    // Checks the libgcrypt version and finishes its initialisation; called by
    // the constructor, safe from several threads, cheap after the first call.
    static void InitializeLibrary();

  private:
    struct Handle;
    std::unique_ptr<Handle> handle_;
    bool finished_ = false;
  };
}
