// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Sending/DicomEntitySource.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/KeyTravel.h"
#include "Core/Transfer/DicomFileName.h"
#include "Core/Transfer/WireHeaders.h"

#include <cstring>

namespace DicomMail
{
  namespace
  {
    const size_t kChunk = 256 * 1024;
  }

  DicomEntitySource::DicomEntitySource(const MailEnvelope& envelope,
                                       const std::vector<MailInstance>& instances,
                                       const SetTotals& totals,
                                       IInstanceSource& source) :
    envelope_(envelope),
    instances_(instances),
    source_(source),
    writer_(pending_),
    chunk_(kChunk)
  {
    if (instances.empty())
    {
      throw Error(ErrorKind::Internal, "a mail must carry at least one instance");
    }
    manifest_.setId = envelope.setId;
    manifest_.part = envelope.part;
    manifest_.total = envelope.total;
    manifest_.setInstances = totals.instances;
    manifest_.setBytes = totals.bytes;
  }

  DicomEntitySource::~DicomEntitySource() = default;

  size_t DicomEntitySource::Read(void* buffer, size_t size)
  {
    while (pendingOffset_ == pending_.GetContent().size())
    {
      pending_.GetContent().clear();
      pendingOffset_ = 0;
      if (state_ == State::Done)
      {
        return 0;
      }
      Produce();
    }
    const std::string& pending = pending_.GetContent();
    const size_t n = std::min(size, pending.size() - pendingOffset_);
    memcpy(buffer, pending.data() + pendingOffset_, n);
    pendingOffset_ += n;
    return n;
  }

  void DicomEntitySource::Produce()
  {
    switch (state_)
    {
      case State::Start:
      {
        MimeHeaders headers;
        WireHeaders::AddSetHeaders(headers, envelope_.setId, envelope_.part, envelope_.total);
        if (envelope_.qaTest)
        {
          headers.Add(WireHeaders::kQaTest, envelope_.qaMonthly ? WireHeaders::kQaTestMonthly :
                      WireHeaders::kQaTestDaily);   // signed and encrypted with the rest
        }
        headers.Add("MIME-Version", "1.0");
        writer_.BeginMultipart(headers, ContentType("multipart", "mixed"));
        state_ = State::NextInstance;
        break;
      }

      case State::NextInstance:
      {
        if (index_ == instances_.size())
        {
          state_ = State::Manifest;
          break;
        }
        const std::string name = DicomFileName::ForIndex(static_cast<unsigned int>(index_ + 1));
        MimeHeaders headers;
        ContentType type("application", "dicom");
        type.SetParameter("name", name);
        headers.Add("Content-Type", type.Format());
        headers.Add("Content-Disposition", "attachment; " + ContentType::FormatParameter("filename", name));
        body_ = &writer_.BeginLeaf(headers, envelope_.binaryDicomParts ? TransferEncoding::Binary :
                                                                          TransferEncoding::Base64);
        current_ = source_.Open(instances_[index_].id);
        hash_.reset(new Sha256);
        currentSize_ = 0;
        state_ = State::InInstance;
        break;
      }

      case State::InInstance:
      {
        const size_t n = current_->Read(chunk_.data(), chunk_.size());
        if (n > 0)
        {
          hash_->Write(chunk_.data(), n);
          body_->Write(chunk_.data(), n);
          currentSize_ += n;
          break;
        }
        writer_.EndLeaf();
        ManifestInstance entry;
        const std::string changedUid = source_.GetChangedSopInstanceUid();
        entry.sopInstanceUid = changedUid.empty() ? instances_[index_].sopInstanceUid : changedUid;
        entry.sha256 = hash_->FinishHex();
        entry.size = currentSize_;
        entry.name = DicomFileName::ForIndex(static_cast<unsigned int>(index_ + 1));
        manifest_.instances.push_back(entry);
        dicomBytes_ += currentSize_;
        current_.reset();
        hash_.reset();
        index_++;
        state_ = State::NextInstance;
        break;
      }

      case State::Manifest:
      {
        MimeHeaders headers;
        ContentType type("application", "json");
        type.SetParameter("name", "manifest.json");
        headers.Add("Content-Type", type.Format());
        headers.Add(WireHeaders::kManifest, "1");
        ByteSink& body = writer_.BeginLeaf(headers, TransferEncoding::SevenBit);
        body.Write(manifest_.ToJson() + "\r\n");
        writer_.EndLeaf();
        WriteKeyPart();
        writer_.EndMultipart();
        writer_.Finish();
        state_ = State::Done;
        break;
      }

      case State::Done:
        break;
    }
  }

  void DicomEntitySource::WriteKeyPart()
  {
    // Last, as one more attachment: a gateway that does not know it skips
    // it like any other non-DICOM part (docs/wire-format.md §3).
    if (envelope_.publicKey.empty())
    {
      return;
    }
    MimeHeaders headers;
    ContentType type("application", "pgp-keys");
    type.SetParameter("name", KeyTravel::kPartName);
    headers.Add("Content-Type", type.Format());
    headers.Add("Content-Disposition", "attachment; " + ContentType::FormatParameter("filename", KeyTravel::kPartName));
    ByteSink& body = writer_.BeginLeaf(headers, TransferEncoding::SevenBit);
    body.Write(envelope_.publicKey);
    writer_.EndLeaf();
  }
}
