// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/QaReport.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // Gathers the QA report of one partner and year (#17) from the records:
  // daily tests, monthly measurements, real transfers acknowledged either
  // way, the keys of both sites.
  namespace QaReportBuilder
  {
    // Availability per month (January..December) and for the year; throws
    // Error(NotFound) when the partner has no QA schedule.
    std::vector<AvailabilityFigures> ComputeAvailability(const std::string& partner, int year,
                                                         AvailabilityFigures& wholeYear);

    QaReport Build(const std::string& partner, int year);

    // The report's plot of transfer time and speed alone (an SVG document),
    // for the QA page: the same drawing, from the measurements only.
    std::string TransferPlot(const std::string& partner, int year);

    // The image-quality confirmations the receiving partner reported back
    // for these measurements (ImageQualityConfirmationStore::GetReported);
    // "recorded" says this site keeps that record.
    std::vector<QaReportImageQuality> ImageQualityConfirmations(const std::vector<MonthlyMeasurement>& measurements,
                                                                bool& recorded);
  }
}
