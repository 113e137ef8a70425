// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Mime/IMimeHandler.h"
#include "Core/Mime/MimeHeaders.h"
#include "Core/Receiving/BoundedStringSink.h"
#include "Core/Receiving/KeyPartSink.h"
#include "Core/Receiving/ReceivedInstanceSink.h"
#include "Core/Receiving/ReceivedPart.h"

#include <memory>
#include <string>
#include <vector>

namespace DicomMail
{
  // MimeParser handler for a decrypted DICOM-Mail entity (docs/wire-format.md
  // §3): keeps the top-level headers (the signed X-TELEMEDICINE-*), decodes
  // every application/dicom and application/octet-stream part into memory,
  // up to "partsInMemoryBytes" for all parts together, and beyond that into
  // its own temporary file in "workingDirectory" (hashing it on the way), collects
  // the manifest part, and notes the other parts it ignores. Received file
  // names are recorded, never used as paths.
  class DicomEntityCollector : public IMimeHandler
  {
  public:
    DicomEntityCollector(const std::string& workingDirectory, size_t maxManifestBytes,
                         uint64_t partsInMemoryBytes);
    ~DicomEntityCollector() override;

    void OnMultipartBegin(unsigned int depth, const MimeHeaders& headers) override;
    ByteSink* OnHeaders(unsigned int depth, const MimeHeaders& headers) override;
    void OnPartEnd(unsigned int depth, uint64_t decodedSize) override;

    const MimeHeaders& GetTopHeaders() const
    {
      return topHeaders_;
    }

    // Candidate parts: DICOM ones, and application/dicom parts that turned
    // out not to be DICOM (isDicom false). Octet-stream parts without the
    // DICM magic are dropped and counted as ignored.
    std::vector<std::unique_ptr<ReceivedPart> >& GetParts()
    {
      return parts_;
    }

    bool HasManifest() const
    {
      return manifestSeen_;
    }

    const std::string& GetManifestJson() const
    {
      return manifest_.GetContent();
    }

    // The application/pgp-keys part (#22), "" when none; worth something
    // only after the signature was accepted (KeyTravel::Merge).
    const std::string& GetKeyPart() const
    {
      return keyPart_.GetContent();
    }

    bool IsKeyPartTooLarge() const
    {
      return keyPart_.IsTooLarge();
    }

    // Descriptions of ignored attachments ("part 4 (application/pdf)").
    const std::vector<std::string>& GetIgnored() const
    {
      return ignored_;
    }

  private:
    std::string workingDirectory_;
    uint64_t memoryLeft_;         // of the parts' in-memory budget
    size_t lastPartSize_ = 0;     // the size hint for the next part
    MimeHeaders topHeaders_;
    unsigned int leafCount_ = 0;
    std::vector<std::unique_ptr<ReceivedPart> > parts_;
    std::unique_ptr<ReceivedPart> current_;
    std::unique_ptr<ReceivedInstanceSink> currentSink_;
    BoundedStringSink manifest_;
    bool manifestSeen_ = false;
    bool inManifest_ = false;
    KeyPartSink keyPart_;
    bool keyPartSeen_ = false;
    std::vector<std::string> ignored_;
  };
}
