// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  // The built-in test data set of the daily function test: a few small
  // CT-like slices (64 x 64, 12 bits) of fixed pixel data, identical
  // byte for byte at every run and on every site, so each has a fixed
  // SHA-256 a receiver can check. No patient: the patient is "DICOMMAIL^QATEST".
  namespace QaTestSeries
  {
    struct Instance
    {
      std::string sopInstanceUid;
      std::string content;   // the DICOM file
      std::string sha256;    // of "content", 64 lower-case hex digits: one of Sha256Of()
    };

    const std::string& StudyInstanceUid();

    std::vector<Instance> Generate();

    // The fixed SHA-256 of the test instance "sopInstanceUid"; false when it
    // is not one of the series.
    bool ExpectedSha256(const std::string& sopInstanceUid, std::string& sha256);
  }
}
