// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Receiving/IInstanceImporter.h"

#include <set>
#include <string>

namespace DicomMail
{
  // Orthanc metadata the plugin writes on every imported instance (ids in
  // the user range, outside the ones the Orthanc Book's registry lists).
  namespace MetadataIds
  {
    const int kSetId = 4310;              // X-TELEMEDICINE-SETID of the transfer
    const int kSignerFingerprint = 4311;  // OpenPGP fingerprint of the signing key
    const int kPartner = 4312;            // partner name
    const int kQaTest = 4313;             // "daily-function-test" on a kept QA test instance (#17)
  }

  // Posts received DICOM files to Orthanc's /instances and tags them with
  // the transfer and the signer.
  class OrthancInstanceImporter : public IInstanceImporter
  {
  public:
    ImportOutcome Import(const void* dicom, size_t size, const ImportContext& context) override;

  private:
    std::set<std::string> recordedStudies_;   // study/partner pairs already recorded for routing
    std::set<std::string> linkedStudies_;     // set/study pairs already recorded in the inbox
  };
}
