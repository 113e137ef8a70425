// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/Availability.h"
#include "Core/QualityAssurance/RealTransfers.h"
#include "Core/Store/DailyTestStore.h"
#include "Core/Store/MonthlyMeasurementStore.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // One instance of the test data set and its SHA-256.
  struct QaReportHash
  {
    std::string sopInstanceUid;
    std::string sha256;
  };

  // A radiologist's image-quality confirmation of a monthly measurement,
  // as the receiving partner reported it back (the web page's side, #17).
  struct QaReportImageQuality
  {
    std::string setId;
    std::string confirmedBy;
    int64_t confirmedMs = 0;
  };

  // Everything the QA report of one partner and year carries, for the
  // inspecting body (DIN 6868-159). No patient data: the test data set is
  // the built-in series or a study chosen as test data, named by its UID.
  struct QaReport
  {
    std::string siteName;
    std::string siteAddress;
    std::string siteFingerprint;
    std::string partner;               // its id
    std::string partnerName;           // for people
    std::string partnerFingerprint;
    int year = 1970;
    int64_t generatedMs = 0;
    std::string testData;              // "generated" or a StudyInstanceUID
    std::vector<QaReportHash> testDataHashes;
    std::vector<DailyTest> dailyTests;             // oldest first
    std::vector<MonthlyMeasurement> measurements;  // oldest first
    std::vector<AvailabilityFigures> months;       // January to December
    AvailabilityFigures wholeYear;
    bool imageQualityRecorded = false;             // false: that record is not kept here (yet)
    std::vector<QaReportImageQuality> imageQuality;
    // The real transfers with the partner as context, January to December
    // (speed: DICOM bytes sent, mail bytes received).
    std::vector<RealTransferFigures> sentTransfers;
    std::vector<RealTransferFigures> receivedTransfers;
  };

  // The report in its three shapes besides JSON. Every text from a record
  // is escaped for its format.
  namespace QaReportRender
  {
    std::string Csv(const QaReport& report);

    // A self-contained printable page (German, English below each heading):
    // inline CSS and an inline SVG, no script, no external resource.
    std::string Html(const QaReport& report);

    // Transfer time (s) and DICOM speed (MB/s) of the measurements per
    // month, as an inline <svg> element.
    std::string TransferPlotSvg(const std::vector<MonthlyMeasurement>& measurements, int year);

    std::string EscapeHtml(const std::string& text);
    // RFC 4180 field: quoted when it holds a comma, quote or line break;
    // a leading =, +, -, @ is prefixed with ' so no spreadsheet runs it.
    std::string CsvField(const std::string& text);
  }
}
