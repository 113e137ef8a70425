// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/LineReader.h"

#include "Core/Common/Error.h"

#include <algorithm>
#include <cstring>

namespace DicomMail
{
  LineReader::LineReader(ByteSource& source, size_t bufferSize) :
    source_(source),
    buffer_(std::max<size_t>(bufferSize, 16))
  {
  }

  bool LineReader::Fill()
  {
    if (begin_ == end_)
    {
      begin_ = 0;
      end_ = source_.Read(buffer_.data(), buffer_.size());
    }
    return end_ > begin_;
  }

  bool LineReader::ReadLine(std::string& line, size_t maxLength)
  {
    line.clear();
    while (Fill())
    {
      const char* start = buffer_.data() + begin_;
      const size_t available = end_ - begin_;
      const char* lf = static_cast<const char*>(memchr(start, '\n', available));
      const size_t take = (lf == nullptr ? available : static_cast<size_t>(lf - start) + 1);

      if (line.size() + take > maxLength)
      {
        throw Error(ErrorKind::LimitExceeded, "A line at offset " + std::to_string(offset_ - line.size()) +
                    " is longer than " + std::to_string(maxLength) + " bytes");
      }

      line.append(start, take);
      begin_ += take;
      offset_ += take;
      if (lf != nullptr)
      {
        return true;
      }
    }
    return !line.empty();
  }

  void LineReader::CopyBytes(ByteSink& sink, uint64_t count)
  {
    while (count > 0)
    {
      if (!Fill())
      {
        throw Error(ErrorKind::BadInput, "The data ended " + std::to_string(count) +
                    " bytes earlier than expected");
      }
      const size_t take = static_cast<size_t>(std::min<uint64_t>(count, end_ - begin_));
      sink.Write(buffer_.data() + begin_, take);
      begin_ += take;
      offset_ += take;
      count -= take;
    }
  }

  uint64_t LineReader::CopyRest(ByteSink& sink)
  {
    uint64_t total = 0;
    while (Fill())
    {
      const size_t take = end_ - begin_;
      sink.Write(buffer_.data() + begin_, take);
      begin_ = end_;
      offset_ += take;
      total += take;
    }
    return total;
  }
}
