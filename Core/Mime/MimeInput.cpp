// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/MimeInput.h"

#include "Core/Common/Error.h"

#include <algorithm>
#include <cstring>

namespace DicomMail
{
  namespace
  {
    // RFC 2046 allows transport padding after a boundary; more than this is
    // not padding but content.
    const size_t MAX_PADDING = 1000;
    const size_t MAX_BOUNDARY = 200;
  }

  MimeInput::MimeInput(ByteSource& source, size_t capacity) :
    source_(source),
    buffer_(std::max<size_t>(capacity, 4 + MAX_BOUNDARY + MAX_PADDING + 2))
  {
  }

  void MimeInput::FlushRun()
  {
    if (!scanning_)
    {
      return;
    }
    if (runEnd_ > runStart_ && runSink_ != nullptr)
    {
      runSink_->Write(buffer_.data() + runStart_, runEnd_ - runStart_);
    }
    if (pos_ > runEnd_)
    {
      heldEol_.append(buffer_.data() + runEnd_, pos_ - runEnd_);
    }
    runStart_ = runEnd_ = pos_;
  }

  void MimeInput::WriteTap(const char* data, size_t size)
  {
    // Hold the last two bytes back: they may be the line break before the
    // delimiter that ends the tapped part.
    if (size == 0)
    {
      return;
    }
    const size_t total = tapHeld_.size() + size;
    if (total <= 2)
    {
      tapHeld_.append(data, size);
      return;
    }
    const size_t release = total - 2;    // bytes that can go out now
    const size_t fromHeld = std::min(release, tapHeld_.size());
    tap_->Write(tapHeld_.data(), fromHeld);
    tapHeld_.erase(0, fromHeld);
    const size_t fromData = release - fromHeld;
    tap_->Write(data, fromData);
    tapHeld_.append(data + fromData, size - fromData);
  }

  void MimeInput::FlushTap()
  {
    if (tap_ != nullptr && pos_ > tapStart_)
    {
      WriteTap(buffer_.data() + tapStart_, pos_ - tapStart_);
    }
    tapStart_ = pos_;
  }

  bool MimeInput::Fill()
  {
    if (eof_)
    {
      return false;
    }

    FlushRun();
    FlushTap();

    if (pos_ > 0)
    {
      memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      base_ += pos_;
      pos_ = 0;
      runStart_ = runEnd_ = tapStart_ = 0;
    }

    if (end_ == buffer_.size())
    {
      throw Error(ErrorKind::Internal, "MimeInput: buffer full");
    }

    const size_t n = source_.Read(buffer_.data() + end_, buffer_.size() - end_);
    if (n == 0)
    {
      eof_ = true;
      return false;
    }
    end_ += n;
    return true;
  }

  bool MimeInput::Ensure(size_t count)
  {
    while (end_ - pos_ < count)
    {
      if (!Fill())
      {
        return false;
      }
    }
    return true;
  }

  bool MimeInput::IsAtEnd()
  {
    return !Ensure(1);
  }

  bool MimeInput::ReadLine(std::string& line, size_t maxLength)
  {
    line.clear();
    if (!Ensure(1))
    {
      return false;
    }

    size_t searched = 0;
    for (;;)
    {
      const size_t available = end_ - pos_;
      const char* start = buffer_.data() + pos_;
      const char* nl = static_cast<const char*>(memchr(start + searched, '\n', available - searched));
      if (nl != nullptr)
      {
        size_t length = nl - start;
        pos_ += length + 1;
        if (length > 0 && start[length - 1] == '\r')
        {
          length--;
        }
        if (length > maxLength)
        {
          break;
        }
        line.assign(start, length);
        return true;
      }

      searched = available;
      if (available > maxLength + 1)
      {
        break;
      }
      if (!Fill())
      {
        // Last line without a line break.
        size_t length = end_ - pos_;
        line.assign(buffer_.data() + pos_, length);
        pos_ = end_;
        if (!line.empty() && line.back() == '\r')
        {
          line.pop_back();
        }
        if (line.size() > maxLength)
        {
          break;
        }
        return true;
      }
    }

    throw Error(ErrorKind::LimitExceeded, "header line longer than " + std::to_string(maxLength) +
                " bytes (near byte offset " + std::to_string(GetOffset()) + ")");
  }

  MimeInput::Delimiter MimeInput::PeekDelimiter(const std::string& boundary)
  {
    // Cheap rejection first: most lines do not start with "--".
    if (!Ensure(1) || buffer_[pos_] != '-')
    {
      return Delimiter::None;
    }
    if (!Ensure(2) || buffer_[pos_ + 1] != '-')
    {
      return Delimiter::None;
    }

    const size_t length = boundary.size();
    if (length == 0 || length > MAX_BOUNDARY ||
        !Ensure(2 + length) ||
        memcmp(buffer_.data() + pos_ + 2, boundary.data(), length) != 0)
    {
      return Delimiter::None;
    }

    size_t offset = 2 + length;
    if (Ensure(offset + 2) && buffer_[pos_ + offset] == '-' && buffer_[pos_ + offset + 1] == '-')
    {
      return Delimiter::Close;    // anything may follow on the line (RFC 2046 epilogue)
    }

    for (;;)
    {
      if (!Ensure(offset + 1))
      {
        return Delimiter::Part;    // "--boundary" at the very end
      }
      const char c = buffer_[pos_ + offset];
      if (c == ' ' || c == '\t')
      {
        if (++offset > 2 + length + MAX_PADDING)
        {
          return Delimiter::None;
        }
        continue;
      }
      if (c == '\n')
      {
        return Delimiter::Part;
      }
      if (c == '\r')
      {
        if (!Ensure(offset + 2))
        {
          return Delimiter::Part;
        }
        return buffer_[pos_ + offset + 1] == '\n' ? Delimiter::Part : Delimiter::None;
      }
      return Delimiter::None;
    }
  }

  MimeInput::Delimiter MimeInput::ScanBody(const std::string* boundary, ByteSink* sink)
  {
    scanning_ = true;
    runSink_ = sink;
    runStart_ = runEnd_ = pos_;
    heldEol_.clear();

    struct Reset
    {
      MimeInput& input;
      ~Reset()
      {
        input.scanning_ = false;
        input.runSink_ = nullptr;
        input.heldEol_.clear();
      }
    } reset{ *this };

    if (boundary == nullptr)
    {
      for (;;)
      {
        runEnd_ = pos_ = end_;
        if (!Fill())
        {
          FlushRun();
          return Delimiter::None;
        }
      }
    }

    bool atLineStart = true;
    for (;;)
    {
      if (atLineStart)
      {
        const Delimiter delimiter = PeekDelimiter(*boundary);
        if (delimiter != Delimiter::None)
        {
          // The pending line break is part of the delimiter, not the body.
          FlushRun();
          heldEol_.clear();
          return delimiter;
        }

        if (!heldEol_.empty())
        {
          // The run is empty after a flush, so order is kept.
          if (sink != nullptr)
          {
            sink->Write(heldEol_.data(), heldEol_.size());
          }
          heldEol_.clear();
        }
        runEnd_ = pos_;

        if (pos_ == end_ && !Fill())
        {
          FlushRun();
          return Delimiter::None;
        }
      }

      const char* start = buffer_.data() + pos_;
      const char* nl = static_cast<const char*>(memchr(start, '\n', end_ - pos_));
      if (nl != nullptr)
      {
        const size_t lineEnd = nl - buffer_.data();
        size_t contentEnd = lineEnd;
        if (contentEnd > pos_ && buffer_[contentEnd - 1] == '\r')
        {
          contentEnd--;
        }
        runEnd_ = contentEnd;
        pos_ = lineEnd + 1;
        atLineStart = true;
      }
      else
      {
        // No line break in the buffer: all of it is body, except a final
        // CR that may start the CRLF before a delimiter.
        size_t stop = end_;
        if (stop > pos_ && buffer_[stop - 1] == '\r')
        {
          stop--;
        }
        runEnd_ = pos_ = stop;
        atLineStart = false;
        if (!Fill())
        {
          runEnd_ = pos_ = end_;
          FlushRun();
          return Delimiter::None;
        }
      }
    }
  }

  void MimeInput::SkipLine()
  {
    for (;;)
    {
      const char* start = buffer_.data() + pos_;
      const char* nl = static_cast<const char*>(memchr(start, '\n', end_ - pos_));
      if (nl != nullptr)
      {
        pos_ += (nl - start) + 1;
        return;
      }
      pos_ = end_;
      if (!Fill())
      {
        return;
      }
    }
  }

  void MimeInput::StartTap(ByteSink& tap)
  {
    if (tap_ != nullptr)
    {
      throw Error(ErrorKind::Internal, "MimeInput: nested raw capture");
    }
    tap_ = &tap;
    tapStart_ = pos_;
    tapHeld_.clear();
  }

  void MimeInput::EndTap()
  {
    if (tap_ == nullptr)
    {
      return;
    }
    FlushTap();
    ByteSink* tap = tap_;
    tap_ = nullptr;

    if (tapHeld_ == "\r\n" || (tapHeld_.size() == 1 && tapHeld_ == "\n"))
    {
      tapHeld_.clear();
    }
    else if (tapHeld_.size() == 2 && tapHeld_[1] == '\n')
    {
      tapHeld_.resize(1);
    }
    tap->Write(tapHeld_.data(), tapHeld_.size());
    tapHeld_.clear();
    tap->Flush();
  }
}
