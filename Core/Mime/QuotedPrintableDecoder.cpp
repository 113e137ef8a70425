// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/QuotedPrintableDecoder.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  namespace
  {
    const size_t BUFFER_SIZE = 64 * 1024;
    const size_t MAX_HELD_SPACES = 4096;   // bounded memory on hostile input

    int HexValue(char c)
    {
      if (c >= '0' && c <= '9')
      {
        return c - '0';
      }
      if (c >= 'A' && c <= 'F')
      {
        return c - 'A' + 10;
      }
      if (c >= 'a' && c <= 'f')
      {
        return c - 'a' + 10;
      }
      return -1;
    }
  }

  QuotedPrintableDecoder::QuotedPrintableDecoder(ByteSink& next) :
    next_(next)
  {
    buffer_.reserve(BUFFER_SIZE);
  }

  void QuotedPrintableDecoder::WriteOutput()
  {
    if (!buffer_.empty())
    {
      next_.Write(buffer_);
      outputSize_ += buffer_.size();
      buffer_.clear();
    }
  }

  void QuotedPrintableDecoder::Put(char c)
  {
    buffer_ += c;
    if (buffer_.size() >= BUFFER_SIZE)
    {
      WriteOutput();
    }
  }

  void QuotedPrintableDecoder::PutSpaces()
  {
    for (char c : spaces_)
    {
      Put(c);
    }
    spaces_.clear();
  }

  void QuotedPrintableDecoder::Process(char c)
  {
    switch (state_)
    {
      case State::Normal:
        if (c == '=')
        {
          PutSpaces();
          state_ = State::Equal;
        }
        else if (c == ' ' || c == '\t')
        {
          spaces_ += c;
          if (spaces_.size() > MAX_HELD_SPACES)
          {
            PutSpaces();
          }
        }
        else if (c == '\r')
        {
          state_ = State::CarriageReturn;
        }
        else if (c == '\n')
        {
          spaces_.clear();    // trailing white space is not content
          Put('\n');
        }
        else
        {
          PutSpaces();
          Put(c);
        }
        return;

      case State::CarriageReturn:
        state_ = State::Normal;
        if (c == '\n')
        {
          spaces_.clear();
          Put('\r');
          Put('\n');
        }
        else
        {
          PutSpaces();
          Put('\r');
          Process(c);
        }
        return;

      case State::Equal:
        if (HexValue(c) >= 0)
        {
          firstHex_ = c;
          state_ = State::EqualHex;
        }
        else if (c == ' ' || c == '\t')
        {
          state_ = State::EqualSpace;
        }
        else if (c == '\r')
        {
          state_ = State::EqualCarriageReturn;
        }
        else if (c == '\n')
        {
          state_ = State::Normal;    // soft line break
        }
        else
        {
          Put('=');
          state_ = State::Normal;
          Process(c);
        }
        return;

      case State::EqualHex:
        state_ = State::Normal;
        if (HexValue(c) >= 0)
        {
          Put(static_cast<char>(HexValue(firstHex_) * 16 + HexValue(c)));
        }
        else
        {
          Put('=');
          Put(firstHex_);
          Process(c);
        }
        return;

      case State::EqualSpace:
        if (c == ' ' || c == '\t')
        {
          return;
        }
        if (c == '\r')
        {
          state_ = State::EqualCarriageReturn;
        }
        else if (c == '\n')
        {
          state_ = State::Normal;
        }
        else
        {
          Put('=');
          state_ = State::Normal;
          Process(c);
        }
        return;

      case State::EqualCarriageReturn:
        state_ = State::Normal;
        if (c != '\n')
        {
          Process(c);    // "=" CR without LF: still read as a soft break
        }
        return;
    }
  }

  void QuotedPrintableDecoder::Write(const void* data, size_t size)
  {
    if (finished_)
    {
      throw Error(ErrorKind::Internal, "QuotedPrintableDecoder: write after Finish()");
    }
    const char* p = static_cast<const char*>(data);
    for (size_t i = 0; i < size; i++)
    {
      Process(p[i]);
    }
  }

  void QuotedPrintableDecoder::Flush()
  {
    WriteOutput();
    next_.Flush();
  }

  void QuotedPrintableDecoder::Finish()
  {
    if (finished_)
    {
      return;
    }
    switch (state_)
    {
      case State::CarriageReturn:
        Put('\r');
        break;
      case State::Equal:
      case State::EqualSpace:
        Put('=');
        break;
      case State::EqualHex:
        Put('=');
        Put(firstHex_);
        break;
      default:
        break;
    }
    spaces_.clear();    // trailing white space of the last line
    state_ = State::Normal;
    finished_ = true;
    Flush();
  }
}
