// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgmeData.h"

#include "Core/Crypto/GpgmeError.h"
#include "Core/Crypto/GpgOperationWatchdog.h"
#include "Core/Crypto/GpgmeLibrary.h"

#include <cerrno>

namespace DicomMail
{
  gpgme_data_cbs GpgmeData::sourceCallbacks_ =
  {
    GpgmeData::ReadCallback, nullptr, GpgmeData::SeekCallback, nullptr
  };

  gpgme_data_cbs GpgmeData::sinkCallbacks_ =
  {
    nullptr, GpgmeData::WriteCallback, GpgmeData::SeekCallback, nullptr
  };

  GpgmeData::GpgmeData()
  {
    GpgmeLibrary::Initialize();
    CheckGpgme(gpgme_data_new(&data_), ErrorKind::Crypto, "cannot create a GPGME buffer");
  }

  GpgmeData::GpgmeData(const std::string& content)
  {
    GpgmeLibrary::Initialize();
    CheckGpgme(gpgme_data_new_from_mem(&data_, content.data(), content.size(), 1 /* copy */),
               ErrorKind::Crypto, "cannot create a GPGME buffer");
  }

  GpgmeData::GpgmeData(ByteSource& source) :
    state_(new CallbackState)
  {
    GpgmeLibrary::Initialize();
    state_->source = &source;
    CheckGpgme(gpgme_data_new_from_cbs(&data_, &sourceCallbacks_, state_.get()),
               ErrorKind::Crypto, "cannot create a GPGME input stream");
    UseLargeBuffer();
  }

  GpgmeData::GpgmeData(ByteSink& sink) :
    state_(new CallbackState)
  {
    GpgmeLibrary::Initialize();
    state_->sink = &sink;
    CheckGpgme(gpgme_data_new_from_cbs(&data_, &sinkCallbacks_, state_.get()),
               ErrorKind::Crypto, "cannot create a GPGME output stream");
    UseLargeBuffer();
  }

  void GpgmeData::UseLargeBuffer()
  {
    // GPGME moves callback data through gpg's pipes in PIPE_BUF (4 KB)
    // pieces by default: a poll, a callback and two context switches per
    // 4 KB, which cost more CPU than the encryption itself. One pipe's
    // capacity per step (GPGME >= 1.17; older versions ignore the flag).
    gpgme_data_set_flag(data_, "io-buffer-size", "65536");
  }

  GpgmeData::~GpgmeData()
  {
    gpgme_data_release(data_);
  }

  void GpgmeData::SetFileName(const std::string& name)
  {
    CheckGpgme(gpgme_data_set_file_name(data_, name.empty() ? nullptr : name.c_str()),
               ErrorKind::Crypto, "cannot set the file name of a GPGME stream");
  }

  std::string GpgmeData::ReadAll()
  {
    if (gpgme_data_seek(data_, 0, SEEK_SET) != 0)
    {
      throw Error(ErrorKind::Internal, "cannot rewind a GPGME memory buffer");
    }

    std::string content;
    char buffer[16384];
    for (;;)
    {
      const ssize_t n = gpgme_data_read(data_, buffer, sizeof(buffer));
      if (n < 0)
      {
        throw Error(ErrorKind::Internal, "cannot read a GPGME memory buffer");
      }
      if (n == 0)
      {
        return content;
      }
      content.append(buffer, static_cast<size_t>(n));
    }
  }

  void GpgmeData::RethrowCallbackError() const
  {
    if (HasCallbackError())
    {
      std::rethrow_exception(state_->error);
    }
  }

  ssize_t GpgmeData::ReadCallback(void* handle, void* buffer, size_t size)
  {
    GpgOperationWatchdog::NoteProgressOnThisThread();
    CallbackState& state = *static_cast<CallbackState*>(handle);
    try
    {
      return static_cast<ssize_t>(state.source->Read(buffer, size));
    }
    catch (...)
    {
      state.error = std::current_exception();
      errno = EIO;
      return -1;
    }
  }

  ssize_t GpgmeData::WriteCallback(void* handle, const void* buffer, size_t size)
  {
    GpgOperationWatchdog::NoteProgressOnThisThread();
    CallbackState& state = *static_cast<CallbackState*>(handle);
    try
    {
      state.sink->Write(buffer, size);
      return static_cast<ssize_t>(size);
    }
    catch (...)
    {
      state.error = std::current_exception();
      errno = EIO;
      return -1;
    }
  }

  off_t GpgmeData::SeekCallback(void*, off_t, int)
  {
    // Streams only go forward; GPGME copes with ESPIPE.
    errno = ESPIPE;
    return -1;
  }
}
