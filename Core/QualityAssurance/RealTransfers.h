// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/QaClock.h"
#include "Core/Store/RealTransferStore.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // The real transfers of one month in one direction, as context beside the
  // QA tests (DIN 6868-159, #17): how long and how fast the link carried
  // the site's own studies, and whether they arrived whole.
  struct RealTransferFigures
  {
    std::string month;            // "2026-12"
    unsigned int transfers = 0;
    unsigned int complete = 0;
    unsigned int timed = 0;       // those the figures below are made of
    uint64_t mails = 0;
    uint64_t mailsArrived = 0;
    double medianMs = 0;
    double p95Ms = 0;
    double medianMBps = 0;        // 10^6 bytes per second
    double p95MBps = 0;

    double CompleteShare() const
    {
      return transfers == 0 ? 0 : static_cast<double>(complete) / transfers;
    }
  };

  namespace RealTransfers
  {
    // The p-quantile (0..1) by linear interpolation between the closest
    // ranks (as a spreadsheet's PERCENTILE.INC); 0 for no values.
    double Percentile(std::vector<double> values, double p);

    // Twelve months of "year", January first, each sample counted in the
    // site's month of its atMs.
    std::vector<RealTransferFigures> PerMonth(const std::vector<RealTransferSample>& samples, int year,
                                              const IQaClock& clock);
  }
}
