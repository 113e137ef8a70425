// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/QaReport.h"
#include "Core/QualityAssurance/QaReportText.h"

#include <cstdio>
#include <map>

namespace DicomMail
{
  namespace QaReportRender
  {
    namespace
    {
      const char kStyle[] =
        "body{font-family:sans-serif;font-size:11pt;margin:2em;color:#000}"
        "h1{font-size:16pt}h2{font-size:13pt;margin-top:1.5em}"
        ".en{color:#555;font-weight:normal;font-size:90%}"
        "table{border-collapse:collapse;margin:.5em 0}"
        "td,th{border:1px solid #999;padding:2px 5px;text-align:left;font-size:9pt}"
        "td.passed{background:#c8ecc8}td.failed{background:#f5c0c0}td.running{background:#f5ecb0}"
        ".mono{font-family:monospace;font-size:8pt}"
        "@media print{body{margin:0}h2{page-break-after:avoid}}";

      std::string E(const std::string& text)
      {
        return EscapeHtml(text);
      }

      std::string Heading(const char* german, const char* english)
      {
        return std::string("<h2>") + german + " <span class=\"en\">/ " + english + "</span></h2>\n";
      }

      std::string Cell(const std::string& text, const std::string& cls = "")
      {
        return (cls.empty() ? "<td>" : "<td class=\"" + E(cls) + "\">") + E(text) + "</td>";
      }

      std::string HeaderRow(std::initializer_list<const char*> names)
      {
        std::string row = "<tr>";
        for (const char* name : names)
        {
          row += std::string("<th>") + name + "</th>";
        }
        return row + "</tr>\n";
      }

      // Months down, days across: each cell the day's last test result.
      std::string Calendar(const QaReport& r)
      {
        std::map<std::string, DailyTestState> byDay;
        for (const DailyTest& t : r.dailyTests)
        {
          byDay[t.testDay] = t.state;   // oldest first: the last one of a day wins
        }
        std::string html = "<table class=\"calendar\"><tr><th></th>";
        for (int d = 1; d <= 31; d++)
        {
          html += "<th>" + std::to_string(d) + "</th>";
        }
        html += "</tr>\n";
        for (int m = 1; m <= 12; m++)
        {
          html += "<tr><th>" + std::to_string(m) + "</th>";
          for (int d = 1; d <= 31; d++)
          {
            if (d > Availability::DaysInMonth(r.year, m))
            {
              html += "<td></td>";
              continue;
            }
            char day[16];
            snprintf(day, sizeof(day), "%04d-%02d-%02d", r.year, m, d);
            const auto found = byDay.find(day);
            if (found == byDay.end())
            {
              html += "<td></td>";
            }
            else
            {
              const std::string state = ToString(found->second);
              html += "<td class=\"" + state + "\" title=\"" + day + " " + state + "\">" +
                (found->second == DailyTestState::Passed ? "+" : found->second == DailyTestState::Failed ? "x" : "?") +
                "</td>";
            }
          }
          html += "</tr>\n";
        }
        return html + "</table>\n<p>+ bestanden / passed, x nicht bestanden / failed, ? läuft / running</p>\n";
      }

      std::string AvailabilityRow(const AvailabilityFigures& a)
      {
        using namespace QaReportText;
        return "<tr>" + Cell(a.period) + Cell(std::to_string(a.days)) + Cell(std::to_string(a.workingDays)) +
          Cell(a.days == 0 ? "-" : Percent(a.DayShare()) + " %") + Cell(Fixed(a.hours, 1)) +
          Cell(a.hours <= 0 ? "-" : Percent(a.HourShare()) + " %") +
          Cell(a.MeetsTarget() ? "ja / yes" : "nein / no", a.MeetsTarget() ? "passed" : "failed") + "</tr>\n";
      }

      // One row per month with transfers in that direction.
      std::string RealTransferRows(const char* direction, const std::vector<RealTransferFigures>& months)
      {
        using namespace QaReportText;
        std::string rows;
        for (const RealTransferFigures& f : months)
        {
          if (f.transfers == 0)
          {
            continue;
          }
          const bool timed = f.timed > 0;
          rows += "<tr>" + Cell(direction) + Cell(f.month) + Cell(std::to_string(f.transfers)) +
            Cell(std::to_string(f.complete) + " (" + Percent(f.CompleteShare()) + " %)") +
            Cell(std::to_string(f.mailsArrived) + " / " + std::to_string(f.mails)) + Cell(std::to_string(f.timed)) +
            Cell(timed ? Fixed(f.medianMs / 1000.0, 3) : "-") + Cell(timed ? Fixed(f.p95Ms / 1000.0, 3) : "-") +
            Cell(timed ? Fixed(f.medianMBps, 3) : "-") + Cell(timed ? Fixed(f.p95MBps, 3) : "-") + "</tr>\n";
        }
        return rows;
      }
    }

    std::string Html(const QaReport& r)
    {
      using namespace QaReportText;
      const std::string year = std::to_string(r.year);
      std::string html = "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>QS-Bericht / QA report " + E(r.partnerName) + " " + year + "</title>\n<style>" + kStyle +
        "</style>\n</head>\n<body>\n";
      html += "<h1>Qualitätssicherung Teleradiologie (DIN 6868-159) " + year +
        " <span class=\"en\">/ teleradiology quality assurance</span></h1>\n";
      html += "<table>\n<tr><th>Standort / site</th>" + Cell(r.siteName) + Cell(r.siteAddress) +
        "<td class=\"mono\">" + E(r.siteFingerprint) + "</td></tr>\n";
      html += "<tr><th>Partner</th>" + Cell(r.partnerName + " (" + r.partner + ")") + Cell("") +
        "<td class=\"mono\">" + E(r.partnerFingerprint) + "</td></tr>\n";
      html += "<tr><th>Erstellt / generated</th>" + Cell(Time(r.generatedMs)) + Cell("") + Cell("") + "</tr>\n</table>\n";

      html += Heading("Testdatensatz", "test data set");
      html += "<p>" + E(r.testData == "generated" ? "eingebaute Testserie / built-in test series" : r.testData) +
        "</p>\n<table>" + HeaderRow({ "SOP Instance UID", "SHA-256" });
      for (const QaReportHash& h : r.testDataHashes)
      {
        html += "<tr>" + Cell(h.sopInstanceUid) + "<td class=\"mono\">" + E(h.sha256) + "</td></tr>\n";
      }
      html += "</table>\n";

      html += Heading("Verfügbarkeit (Ziel 98 %)", "availability (target 98 %)");
      html += "<table>" + HeaderRow({ "Zeitraum / period", "Tage / days", "funktionsfähig / working",
                                      "Anteil Tage / day share", "Stunden / hours", "Anteil Stunden / hour share",
                                      "&ge; 98 %" });
      for (const AvailabilityFigures& a : r.months)
      {
        html += AvailabilityRow(a);
      }
      html += AvailabilityRow(r.wholeYear) + "</table>\n";

      html += Heading("Monatliche Messung", "monthly measurement");
      html += TransferPlotSvg(r.measurements, r.year);
      html += "<table>" + HeaderRow({ "Monat / month", "Ergebnis / result", "Set-ID", "Start",
                                      "Empfänger fertig / receiver done", "Zeit / time (ms)", "DICOM MB/s",
                                      "Wire MB/s", "Instanzen / instances", "Bildqualität / image quality",
                                      "Grund / reason" });
      for (const MonthlyMeasurement& m : r.measurements)
      {
        std::string quality = r.imageQualityRecorded ? "-" : "nicht erfasst / not recorded";
        for (const QaReportImageQuality& c : r.imageQuality)
        {
          if (c.setId == m.setId)
          {
            quality = c.confirmedBy + ", " + Time(c.confirmedMs);
          }
        }
        const bool timed = m.TransferMs() > 0;
        html += "<tr>" + Cell(m.month) + Cell(ToString(m.state), ToString(m.state)) + Cell(m.setId) +
          Cell(Time(m.startedMs)) + Cell(Time(m.receiverCompletedMs)) +
          Cell(timed ? std::to_string(m.TransferMs()) : "-") +
          Cell(timed ? Fixed(m.DicomMegabytesPerSecond(), 3) : "-") +
          Cell(timed ? Fixed(m.WireMegabytesPerSecond(), 3) : "-") +
          Cell(std::to_string(m.instancesArrived) + " / " + std::to_string(m.instancesExpected)) + Cell(quality) +
          Cell(m.reason) + "</tr>\n";
      }
      html += "</table>\n";

      html += Heading("Reale Übertragungen (Median, 95. Perzentil)", "real transfers (median, 95th percentile)");
      html += "<p>Zeit vom Start des Sendens bis zum Abschluss beim Empfänger (empfangen: ab dem Date-Header des "
        "Absenders, ganze Sekunden); MB/s gesendet: DICOM, empfangen: Mail. <span class=\"en\">Time from the start of "
        "the send to the receiver's completion (received: from the sender's Date header, whole seconds); MB/s "
        "sent: DICOM, received: mail bytes.</span></p>\n";
      html += "<table class=\"real\">" + HeaderRow({ "Richtung / direction", "Monat / month", "Übertragungen / transfers",
                                                   "vollständig / complete", "Mails", "gemessen / timed",
                                                   "Median s", "95 % s", "Median MB/s", "95 % MB/s" });
      html += RealTransferRows("gesendet / sent", r.sentTransfers);
      html += RealTransferRows("empfangen / received", r.receivedTransfers);
      html += "</table>\n";

      html += Heading("Täglicher Funktionstest", "daily function test");
      html += Calendar(r);
      html += "<table>" + HeaderRow({ "Tag / day", "Ergebnis / result", "Set-ID", "Start", "Bestätigt / acknowledged",
                                      "Empfänger fertig / receiver done", "Grund / reason" });
      for (const DailyTest& t : r.dailyTests)
      {
        html += "<tr>" + Cell(t.testDay) + Cell(ToString(t.state), ToString(t.state)) + Cell(t.setId) +
          Cell(Time(t.startedMs)) + Cell(Time(t.acknowledgedMs)) + Cell(Time(t.receiverCompletedMs)) +
          Cell(t.reason) + "</tr>\n";
      }
      html += "</table>\n";
      html += "<p>Nicht Teil dieses Berichts: Abnahmeprüfung durch einen Sachverständigen, Prüfung der "
        "Befundungsmonitore nach DIN 6868-157. <span class=\"en\">Not part of this report: the acceptance test "
        "by an expert, the monitor tests after DIN 6868-157.</span></p>\n";
      return html + "</body>\n</html>\n";
    }
  }
}
