// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <exception>
#include <gpgme.h>
#include <memory>
#include <string>

namespace DicomMail
{
  // Owns one gpgme_data_t: either a small memory buffer (keys, signatures)
  // or callbacks over a ByteSource / ByteSink, which keep memory bounded
  // whatever the size of the data. The callback variants are not seekable.
  class GpgmeData
  {
  public:
    // An empty memory buffer, to receive output.
    GpgmeData();

    // A memory buffer holding a copy of "content".
    explicit GpgmeData(const std::string& content);

    // Reads from "source" on demand; "source" must outlive this object.
    explicit GpgmeData(ByteSource& source);

    // Writes to "sink" as output arrives; "sink" must outlive this object.
    explicit GpgmeData(ByteSink& sink);

    ~GpgmeData();
    GpgmeData(const GpgmeData&) = delete;
    GpgmeData& operator=(const GpgmeData&) = delete;

    gpgme_data_t Get() const
    {
      return data_;
    }

    void SetFileName(const std::string& name);

    // Whole content of a memory buffer (for small data only).
    std::string ReadAll();

    // An exception thrown by the ByteSource/ByteSink inside a callback cannot
    // cross GPGME's C code: it is kept and rethrown here, after the operation.
    void RethrowCallbackError() const;

    bool HasCallbackError() const
    {
      return state_ != nullptr && state_->error != nullptr;
    }

  private:
    void UseLargeBuffer();
    struct CallbackState
    {
      ByteSource* source = nullptr;
      ByteSink* sink = nullptr;
      std::exception_ptr error;
    };

    static ssize_t ReadCallback(void* handle, void* buffer, size_t size);
    static ssize_t WriteCallback(void* handle, const void* buffer, size_t size);
    static off_t SeekCallback(void* handle, off_t offset, int whence);

    // GPGME keeps a pointer to the callback table, so it lives forever.
    static gpgme_data_cbs sourceCallbacks_;
    static gpgme_data_cbs sinkCallbacks_;

    std::unique_ptr<CallbackState> state_;
    gpgme_data_t data_ = nullptr;
  };
}
