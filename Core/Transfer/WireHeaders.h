// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Mime/MimeHeaders.h"

#include <string>

namespace DicomMail
{
  // Names of the wire profile's headers (docs/wire-format.md), in one place.
  namespace WireHeaders
  {
    extern const char* const kSetId;          // X-TELEMEDICINE-SETID
    extern const char* const kSetPart;        // X-TELEMEDICINE-SETPART
    extern const char* const kSetTotal;       // X-TELEMEDICINE-SETTOTAL
    extern const char* const kStudyId;        // X-TELEMEDICINE-STUDYID
    extern const char* const kManifest;       // X-DICOMMAIL-MANIFEST
    extern const char* const kDispositionNotificationTo;
    // Inside the encrypted entity only: the transfer is a quality-assurance
    // test (DIN 6868-159), value kQaTestDaily. Other gateways ignore it.
    extern const char* const kQaTest;         // X-DICOMMAIL-QA-TEST
    extern const char* const kQaTestDaily;    // "daily-function-test"
    extern const char* const kQaTestMonthly;  // "monthly-measurement"
    // Inside the encrypted entity of a QA confirmation mail (#17): the set
    // id of the test transfer whose image quality a radiologist confirmed,
    // who (RFC 2047 words) and when (UtcMillis).
    extern const char* const kQaConfirmation;   // X-DICOMMAIL-QA-CONFIRMATION
    extern const char* const kQaConfirmedBy;    // X-DICOMMAIL-QA-CONFIRMED-BY
    extern const char* const kQaConfirmedAt;    // X-DICOMMAIL-QA-CONFIRMED-AT

    void AddSetHeaders(MimeHeaders& headers, const std::string& setId, unsigned int part, unsigned int total);
  }
}
