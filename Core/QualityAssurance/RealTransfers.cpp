// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/RealTransfers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace DicomMail
{
  namespace RealTransfers
  {
    double Percentile(std::vector<double> values, double p)
    {
      if (values.empty())
      {
        return 0;
      }
      std::sort(values.begin(), values.end());
      const double rank = std::min(1.0, std::max(0.0, p)) * static_cast<double>(values.size() - 1);
      const size_t below = static_cast<size_t>(std::floor(rank));
      const size_t above = std::min(below + 1, values.size() - 1);
      return values[below] + (rank - static_cast<double>(below)) * (values[above] - values[below]);
    }

    std::vector<RealTransferFigures> PerMonth(const std::vector<RealTransferSample>& samples, int year,
                                              const IQaClock& clock)
    {
      std::vector<RealTransferFigures> months(12);
      std::vector<std::vector<double>> times(12);
      std::vector<std::vector<double>> speeds(12);
      char name[16];
      for (int m = 0; m < 12; m++)
      {
        snprintf(name, sizeof(name), "%04d-%02d", year, m + 1);
        months[m].month = name;
      }
      for (const RealTransferSample& s : samples)
      {
        const LocalTime local = clock.ToLocal(s.atMs);
        if (local.year != year)
        {
          continue;
        }
        RealTransferFigures& f = months[local.month - 1];
        f.transfers++;
        f.complete += s.complete ? 1 : 0;
        f.mails += s.mails;
        f.mailsArrived += s.mailsArrived;
        const int64_t ms = s.TransferMs();
        if (ms > 0)
        {
          f.timed++;
          times[local.month - 1].push_back(static_cast<double>(ms));
          speeds[local.month - 1].push_back(static_cast<double>(s.bytes) / 1e6 / (static_cast<double>(ms) / 1000.0));
        }
      }
      for (int m = 0; m < 12; m++)
      {
        months[m].medianMs = Percentile(times[m], 0.5);
        months[m].p95Ms = Percentile(times[m], 0.95);
        months[m].medianMBps = Percentile(speeds[m], 0.5);
        months[m].p95MBps = Percentile(speeds[m], 0.95);
      }
      return months;
    }
  }
}
