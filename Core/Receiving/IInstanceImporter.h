// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>

namespace DicomMail
{
  // What the importer knows about the instance it is given (for Orthanc
  // metadata and logs; no patient data).
  struct ImportContext
  {
    std::string setId;
    unsigned int part = 0;
    unsigned int total = 0;
    std::string signerFingerprint;
    std::string partnerName;
    std::string messageId;        // of the mail carrying the instance
    std::string partName;         // "IM000001.dcm" when safe to show, else ""
    std::string sopInstanceUid;   // from the manifest, "" when there is none
    std::string sha256;           // of the file, 64 lower-case hex digits
    bool qaTest = false;          // part of a daily QA test transfer (signed marker)
    std::string qaTestKind;       // its value (WireHeaders::kQaTestDaily or kQaTestMonthly)
  };

  struct ImportOutcome
  {
    enum class Status
    {
      Stored,          // new in the PACS
      AlreadyStored,   // the same instance was there already (counts as delivered)
      Failed           // not stored: "message" says why
    };

    Status status = Status::Failed;
    std::string message;

    static ImportOutcome Stored()
    {
      return ImportOutcome{ Status::Stored, "" };
    }

    static ImportOutcome AlreadyStored()
    {
      return ImportOutcome{ Status::AlreadyStored, "" };
    }

    static ImportOutcome Failed(const std::string& why)
    {
      return ImportOutcome{ Status::Failed, why };
    }
  };

  // Stores one received DICOM file. The plugin posts it to Orthanc's
  // /instances; the tests record it. The bytes are the caller's and valid
  // during the call only (memory, or a mapped temporary file). May throw
  // DicomMail::Error, which counts as Failed.
  class IInstanceImporter
  {
  public:
    virtual ~IInstanceImporter() = default;

    virtual ImportOutcome Import(const void* dicom, size_t size, const ImportContext& context) = 0;
  };
}
