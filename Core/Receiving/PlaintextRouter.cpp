// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/PlaintextRouter.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Mime/MimeParser.h"

namespace DicomMail
{
  PlaintextRouter::PlaintextRouter(const std::string& filePath, ByteSink& stream, const MimeLimits& limits) :
    filePath_(filePath),
    stream_(stream),
    limits_(limits)
  {
  }

  PlaintextRouter::~PlaintextRouter() = default;

  void PlaintextRouter::Write(const void* data, size_t size)
  {
    if (target_ != nullptr)
    {
      target_->Write(data, size);
      return;
    }
    head_.append(static_cast<const char*>(data), size);
    const size_t scanFrom = head_.size() > size + 3 ? head_.size() - size - 3 : 0;
    if (head_.find("\n\n", scanFrom) != std::string::npos || head_.find("\n\r\n", scanFrom) != std::string::npos ||
        head_.size() > limits_.maxHeaderBlockSize)
    {
      Choose();
    }
  }

  void PlaintextRouter::Choose()
  {
    bool toFile = true;
    try
    {
      StringSource head(head_);
      toFile = ParseHeaderBlock(head, limits_).GetContentType().Is("multipart/signed");
    }
    catch (const Error&)
    {
      toFile = true;   // the file's reader finds the fault again and names it
    }
    if (toFile)
    {
      file_.reset(new FileSink(filePath_));
      target_ = file_.get();
    }
    else
    {
      target_ = &stream_;
    }
    std::string held;
    held.swap(head_);
    target_->Write(held.data(), held.size());
  }

  void PlaintextRouter::Finish()
  {
    if (target_ == nullptr)
    {
      Choose();
    }
    target_->Flush();
  }
}
