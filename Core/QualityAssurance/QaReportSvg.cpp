// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/QaReport.h"
#include "Core/QualityAssurance/QaReportText.h"

#include <algorithm>
#include <cstdlib>

namespace DicomMail
{
  namespace QaReportRender
  {
    namespace
    {
      const int kWidth = 720;
      const int kHeight = 300;
      const int kLeft = 60;
      const int kRight = 60;
      const int kTop = 30;
      const int kBottom = 40;

      // Per month, the mean of the timed measurements (0: none).
      struct MonthFigures
      {
        double seconds = 0;
        double megabytesPerSecond = 0;
        unsigned int count = 0;
      };

      std::string Num(double v)
      {
        return QaReportText::Fixed(v, 1);
      }

      // A round upper bound for an axis.
      double AxisMax(double value)
      {
        const double steps[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000 };
        for (double s : steps)
        {
          if (value <= s)
          {
            return s;
          }
        }
        return value;
      }
    }

    std::string TransferPlotSvg(const std::vector<MonthlyMeasurement>& measurements, int year)
    {
      MonthFigures months[12];
      for (const MonthlyMeasurement& m : measurements)
      {
        const int month = m.month.size() == 7 && std::atoi(m.month.substr(0, 4).c_str()) == year ?
          std::atoi(m.month.substr(5, 2).c_str()) : 0;
        if (month < 1 || month > 12 || m.TransferMs() <= 0)
        {
          continue;
        }
        MonthFigures& f = months[month - 1];
        f.seconds += static_cast<double>(m.TransferMs()) / 1000.0;
        f.megabytesPerSecond += m.DicomMegabytesPerSecond();
        f.count++;
      }
      double maxSeconds = 0;
      double maxSpeed = 0;
      for (MonthFigures& f : months)
      {
        if (f.count > 0)
        {
          f.seconds /= f.count;
          f.megabytesPerSecond /= f.count;
        }
        maxSeconds = std::max(maxSeconds, f.seconds);
        maxSpeed = std::max(maxSpeed, f.megabytesPerSecond);
      }
      maxSeconds = AxisMax(maxSeconds);
      maxSpeed = AxisMax(maxSpeed);

      const double plotWidth = kWidth - kLeft - kRight;
      const double plotHeight = kHeight - kTop - kBottom;
      const double slot = plotWidth / 12.0;
      auto y = [&](double value, double max) { return kTop + plotHeight - value / max * plotHeight; };

      std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qa-plot\" width=\"" +
        std::to_string(kWidth) + "\" height=\"" + std::to_string(kHeight) + "\" viewBox=\"0 0 " +
        std::to_string(kWidth) + " " + std::to_string(kHeight) + "\" role=\"img\" aria-label=\"Transfer time and speed " +
        std::to_string(year) + "\">\n";
      svg += "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(kTop) + "\" width=\"" +
        Num(plotWidth) + "\" height=\"" + Num(plotHeight) + "\" fill=\"none\" stroke=\"#888\"/>\n";
      svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"18\" font-size=\"12\" fill=\"#1f5fa8\">"
        "Übertragungszeit / transfer time (s), max " + Num(maxSeconds) + "</text>\n";
      svg += "<text x=\"" + std::to_string(kWidth - kRight) + "\" y=\"18\" font-size=\"12\" fill=\"#c0392b\" "
        "text-anchor=\"end\">DICOM MB/s, max " + Num(maxSpeed) + "</text>\n";
      std::string line;
      for (int i = 0; i < 12; i++)
      {
        const double x = kLeft + slot * i;
        svg += "<text x=\"" + Num(x + slot / 2) + "\" y=\"" + std::to_string(kHeight - kBottom + 16) +
          "\" font-size=\"11\" text-anchor=\"middle\">" + std::to_string(i + 1) + "</text>\n";
        const MonthFigures& f = months[i];
        if (f.count == 0)
        {
          continue;
        }
        const double top = y(f.seconds, maxSeconds);
        svg += "<rect class=\"time\" x=\"" + Num(x + slot * 0.2) + "\" y=\"" + Num(top) + "\" width=\"" +
          Num(slot * 0.6) + "\" height=\"" + Num(kTop + plotHeight - top) + "\" fill=\"#1f5fa8\">"
          "<title>" + QaReportText::Fixed(f.seconds, 3) + " s</title></rect>\n";
        const double cy = y(f.megabytesPerSecond, maxSpeed);
        svg += "<circle class=\"speed\" cx=\"" + Num(x + slot / 2) + "\" cy=\"" + Num(cy) +
          "\" r=\"4\" fill=\"#c0392b\"><title>" + QaReportText::Fixed(f.megabytesPerSecond, 3) +
          " MB/s</title></circle>\n";
        line += (line.empty() ? "" : " ") + Num(x + slot / 2) + "," + Num(cy);
      }
      if (!line.empty())
      {
        svg += "<polyline points=\"" + line + "\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"/>\n";
      }
      svg += "<text x=\"" + std::to_string(kWidth / 2) + "\" y=\"" + std::to_string(kHeight - 6) +
        "\" font-size=\"11\" text-anchor=\"middle\">Monat / month " + std::to_string(year) + "</text>\n";
      svg += "</svg>\n";
      return svg;
    }
  }
}
