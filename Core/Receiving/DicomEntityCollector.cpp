// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/DicomEntityCollector.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/KeyPartRule.h"
#include "Core/Mime/TextEncoding.h"
#include "Core/Transfer/WireHeaders.h"

namespace DicomMail
{
  namespace
  {
    // The file name a part announces: Content-Disposition "filename" first
    // (what mail clients set), else Content-Type "name".
    std::string AnnouncedName(const MimeHeaders& headers, const ContentType& type)
    {
      std::string disposition;
      if (headers.Lookup(disposition, "Content-Disposition"))
      {
        std::string token;
        for (const auto& p : ContentType::ParseParameters(token, disposition))
        {
          if (p.first == "filename" && !p.second.empty())
          {
            return p.second;
          }
        }
      }
      return type.GetParameter("name");
    }
  }

  DicomEntityCollector::DicomEntityCollector(const std::string& workingDirectory, size_t maxManifestBytes,
                                             uint64_t partsInMemoryBytes) :
    workingDirectory_(workingDirectory),
    memoryLeft_(partsInMemoryBytes),
    manifest_(maxManifestBytes, "the manifest part"),
    keyPart_(KeyPartRule::kMaxBytes)
  {
  }

  DicomEntityCollector::~DicomEntityCollector() = default;

  void DicomEntityCollector::OnMultipartBegin(unsigned int depth, const MimeHeaders& headers)
  {
    if (depth == 0)
    {
      topHeaders_ = headers;
    }
  }

  ByteSink* DicomEntityCollector::OnHeaders(unsigned int depth, const MimeHeaders& headers)
  {
    if (depth == 0)
    {
      topHeaders_ = headers;
    }
    leafCount_++;

    const ContentType type = headers.GetContentType();
    const std::string name = AnnouncedName(headers, type);

    const bool isManifest = headers.Has(WireHeaders::kManifest) ||
      (type.Is("application/json") && name == "manifest.json");
    if (isManifest)
    {
      if (manifestSeen_)
      {
        throw Error(ErrorKind::BadInput, "more than one manifest part");
      }
      manifestSeen_ = true;
      inManifest_ = true;
      return &manifest_;
    }

    // The sender's own key (#22): one part, bounded; a second is ignored.
    if (type.Is("application/pgp-keys") && !keyPartSeen_)
    {
      keyPartSeen_ = true;
      return &keyPart_;
    }

    if (type.Is("application/dicom") || type.Is("application/octet-stream"))
    {
      current_.reset(new ReceivedPart);
      current_->index = leafCount_;
      current_->contentType = type.GetMimeType();
      current_->name = TextEncoding::SanitizeUtf8(name.substr(0, 200));
      current_->declaredDicom = type.Is("application/dicom");
      ReceivedPart* part = current_.get();
      const std::string directory = workingDirectory_;
      currentSink_.reset(new ReceivedInstanceSink(memoryLeft_, [part, directory]() {
        part->file.reset(new TempFile(directory, ".part"));
        return part->file->GetPath();
      }, lastPartSize_));
      return currentSink_.get();
    }

    if (type.GetType() != "text")
    {
      ignored_.push_back("part " + std::to_string(leafCount_) + " (" + type.GetMimeType() + ")");
    }
    return nullptr;
  }

  void DicomEntityCollector::OnPartEnd(unsigned int, uint64_t)
  {
    inManifest_ = false;
    if (!current_)
    {
      return;
    }

    currentSink_->Finish();
    current_->size = currentSink_->GetSize();
    current_->sha256 = currentSink_->GetSha256();
    current_->isDicom = currentSink_->IsDicom();
    if (currentSink_->IsInMemory())
    {
      current_->content = currentSink_->TakeContent();
    }
    currentSink_.reset();
    lastPartSize_ = static_cast<size_t>(current_->size);

    if (current_->isDicom || current_->declaredDicom)
    {
      parts_.push_back(std::move(current_));
    }
    else
    {
      ignored_.push_back("part " + std::to_string(current_->index) +
                         " (application/octet-stream, not DICOM)");
      memoryLeft_ += current_->content.size();
      current_.reset();   // removes its file or frees its memory
    }
  }
}
