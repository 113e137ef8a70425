// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/OpenPgpPayloadSink.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  // Binary OpenPGP to "next", counted and hashed on the way.
  class OpenPgpPayloadSink::Tee : public ByteSink
  {
  public:
    Tee(ByteSink& next, Sha256& hash, uint64_t& size) :
      next_(next),
      hash_(hash),
      size_(size)
    {
    }

    using ByteSink::Write;
    void Write(const void* data, size_t size) override
    {
      hash_.Write(data, size);
      size_ += size;
      next_.Write(data, size);
    }

    void Flush() override
    {
      next_.Flush();
    }

  private:
    ByteSink& next_;
    Sha256& hash_;
    uint64_t& size_;
  };

  OpenPgpPayloadSink::OpenPgpPayloadSink(ByteSink& next) :
    tee_(new Tee(next, hash_, binarySize_))
  {
  }

  OpenPgpPayloadSink::~OpenPgpPayloadSink() = default;

  void OpenPgpPayloadSink::Write(const void* data, size_t size)
  {
    const unsigned char* bytes = static_cast<const unsigned char*>(data);
    if (mode_ == Mode::Undecided)
    {
      // Skip leading white space; the first other byte decides.
      size_t skip = 0;
      while (skip < size && (bytes[skip] == ' ' || bytes[skip] == '\t' || bytes[skip] == '\r' || bytes[skip] == '\n'))
      {
        skip++;
      }
      if (skip == size)
      {
        return;
      }
      if (bytes[skip] & 0x80)
      {
        mode_ = Mode::Binary;
        bytes += skip;
        size -= skip;
      }
      else
      {
        mode_ = Mode::Armored;
        armor_.reset(new PgpArmorReader(*tee_));
      }
    }

    if (mode_ == Mode::Binary)
    {
      tee_->Write(bytes, size);
    }
    else
    {
      armor_->Write(bytes, size);
    }
  }

  void OpenPgpPayloadSink::Flush()
  {
    if (armor_)
    {
      armor_->Flush();
    }
    tee_->Flush();
  }

  void OpenPgpPayloadSink::Finish()
  {
    if (mode_ == Mode::Undecided)
    {
      throw Error(ErrorKind::BadInput, "the encrypted part is empty");
    }
    if (armor_)
    {
      armor_->Finish();
      if (armor_->GetType() != "MESSAGE")
      {
        throw Error(ErrorKind::BadInput, "the encrypted part holds \"PGP " + armor_->GetType().substr(0, 40) +
                    "\" armor, not a PGP MESSAGE");
      }
    }
    if (binarySize_ == 0)
    {
      throw Error(ErrorKind::BadInput, "the encrypted part holds no OpenPGP data");
    }
    tee_->Flush();
  }

  bool OpenPgpPayloadSink::IsTransmissionDamage(const std::string& errorMessage)
  {
    return errorMessage.find("CRC-24 mismatch") != std::string::npos ||
      errorMessage.find("no END line") != std::string::npos;
  }

  std::string OpenPgpPayloadSink::GetSha256()
  {
    if (digest_.empty())
    {
      digest_ = hash_.FinishHex();
    }
    return digest_;
  }
}
