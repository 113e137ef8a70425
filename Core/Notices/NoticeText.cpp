// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Notices/NoticeText.h"

namespace DicomMail
{
  namespace NoticeText
  {
    namespace
    {
      // "2026-12-07T11:20:33Z" -> "2026-12-07 11:20 UTC"
      std::string FormatTime(const std::string& utc)
      {
        if (utc.size() < 16)
        {
          return utc;
        }
        return utc.substr(0, 10) + " " + utc.substr(11, 5) + " UTC";
      }

      std::string Count(unsigned int n, const char* one, const char* many)
      {
        return std::to_string(n) + " " + (n == 1 ? one : many);
      }

      std::string GermanReason(const NoticeFacts& facts)
      {
        switch (facts.failure)
        {
          case NoticeFailureReason::MailServerRefused:
            return "der Mailserver hat die Mail abgelehnt" +
              (facts.smtpCode.empty() ? std::string() : " (SMTP " + facts.smtpCode + ")");
          case NoticeFailureReason::MailServerUnreachable:
            return "der Mailserver war auch nach mehreren Versuchen nicht erreichbar";
          case NoticeFailureReason::NoAcknowledgement:
            return "der Partner hat den Empfang auch nach erneutem Senden nicht bestätigt";
          case NoticeFailureReason::PartnerRefused:
            return "das System des Partners hat eine Mail zurückgewiesen";
          case NoticeFailureReason::PartnerKeyUnusable:
            return "der Schlüssel des Partners ist nicht verwendbar (fehlt, abgelaufen, widerrufen oder nicht beglaubigt)";
          case NoticeFailureReason::Other:
            break;
        }
        return "der Grund steht auf der DICOM-Mail-Seite";
      }

      std::string EnglishReason(const NoticeFacts& facts)
      {
        switch (facts.failure)
        {
          case NoticeFailureReason::MailServerRefused:
            return "the mail server refused the mail" +
              (facts.smtpCode.empty() ? std::string() : " (SMTP " + facts.smtpCode + ")");
          case NoticeFailureReason::MailServerUnreachable:
            return "the mail server could not be reached, even after several attempts";
          case NoticeFailureReason::NoAcknowledgement:
            return "the partner did not acknowledge receipt, even after the mails were sent again";
          case NoticeFailureReason::PartnerRefused:
            return "the partner's system refused a mail";
          case NoticeFailureReason::PartnerKeyUnusable:
            return "the partner's key cannot be used (missing, expired, revoked or not certified)";
          case NoticeFailureReason::Other:
            break;
        }
        return "the reason is shown on the DICOM-Mail page";
      }

      std::string GermanQaReason(QaAlertReason reason)
      {
        switch (reason)
        {
          case QaAlertReason::NoAnswerInTime:
            return "der Partner hat den Empfang nicht rechtzeitig bestätigt";
          case QaAlertReason::Warning:
            return "der Partner hat den Empfang mit einer Warnung bestätigt (nicht alles kam unversehrt an)";
          case QaAlertReason::NotStarted:
            return "der Test konnte nicht gesendet werden (Schlüssel des Partners oder Testdatensatz)";
          case QaAlertReason::TransferFailed:
            break;
        }
        return "die Testübertragung ist fehlgeschlagen";
      }

      std::string EnglishQaReason(QaAlertReason reason)
      {
        switch (reason)
        {
          case QaAlertReason::NoAnswerInTime:
            return "the partner did not acknowledge receipt in time";
          case QaAlertReason::Warning:
            return "the partner acknowledged receipt with a warning (not everything arrived intact)";
          case QaAlertReason::NotStarted:
            return "the test could not be sent (the partner's key or the test data set)";
          case QaAlertReason::TransferFailed:
            break;
        }
        return "the test transfer failed";
      }

      NoticeMessage GermanQaAlert(const NoticeFacts& f)
      {
        NoticeMessage m;
        m.subject = "QS-Alarm: Funktionstest der Verbindung zu " + f.partnerName + " fehlgeschlagen";
        m.body = "Der tägliche Funktionstest (DIN 6868-159) der Teleradiologie-Verbindung zu " + f.partnerName +
          " vom " + f.testDay + " ist fehlgeschlagen: " + GermanQaReason(f.qaReason) + ".\n";
        m.body += "\nGestartet: " + FormatTime(f.at) + "\nSet-ID: " + f.setId + "\n";
        m.body += f.pageUrl.empty() ? std::string("\nDetails auf der DICOM-Mail-Seite von Orthanc.\n") :
          "\nDetails: " + f.pageUrl + "\n";
        m.body += "\nBitte prüfen Sie die Verbindung. Diese Nachricht von " + f.siteName +
          " enthält keine Patientendaten. Sie ist signiert und wurde automatisch erzeugt.\n";
        return m;
      }

      NoticeMessage EnglishQaAlert(const NoticeFacts& f)
      {
        NoticeMessage m;
        m.subject = "QA alert: function test of the link to " + f.partnerName + " failed";
        m.body = "The daily function test (DIN 6868-159) of the teleradiology link to " + f.partnerName +
          " for " + f.testDay + " failed: " + EnglishQaReason(f.qaReason) + ".\n";
        m.body += "\nStarted: " + FormatTime(f.at) + "\nSet id: " + f.setId + "\n";
        m.body += f.pageUrl.empty() ? std::string("\nDetails on Orthanc's DICOM-Mail page.\n") :
          "\nDetails: " + f.pageUrl + "\n";
        m.body += "\nPlease check the link. This message from " + f.siteName +
          " carries no patient data. It is signed and was generated automatically.\n";
        return m;
      }

      NoticeMessage German(const NoticeFacts& f)
      {
        if (f.kind == NoticeKind::QaAlert)
        {
          return GermanQaAlert(f);
        }
        NoticeMessage m;
        const std::string studies = Count(f.studies, "Studie", "Studien");
        const std::string instances = Count(f.instances, "DICOM-Instanz", "DICOM-Instanzen");
        if (f.kind == NoticeKind::Arrival)
        {
          m.subject = (f.studies > 0 ? studies : instances) + " von " + f.partnerName + " eingetroffen";
          m.body = "Von " + f.partnerName + " " + (f.studies == 1 || (f.studies == 0 && f.instances == 1) ?
                                                      "ist" : "sind") + " per DICOM-Mail " +
            (f.studies > 0 ? studies + " (" + instances + ")" : instances) +
            " eingetroffen und in Orthanc gespeichert" + (f.withWarnings ? ", mit Warnungen" : "") + ".\n";
          m.body += "\nZeit: " + FormatTime(f.at) + "\nSet-ID: " + f.setId + "\n";
          m.body += f.pageUrl.empty() ? std::string("\nDie Übertragung steht auf der DICOM-Mail-Seite von Orthanc.\n") :
            "\nÖffnen: " + f.pageUrl + "\n";
        }
        else
        {
          m.subject = "Übertragung an " + f.partnerName + " fehlgeschlagen";
          m.body = "Die Übertragung von " + studies + " (" + instances + ") an " + f.partnerName +
            " ist fehlgeschlagen: " + GermanReason(f) + ".\n";
          m.body += "\nZeit: " + FormatTime(f.at) + "\nSet-ID: " + f.setId + "\n";
          m.body += f.pageUrl.empty() ?
            std::string("\nDetails und erneutes Senden auf der DICOM-Mail-Seite von Orthanc.\n") :
            "\nDetails und erneutes Senden: " + f.pageUrl + "\n";
        }
        m.body += "\nDiese Nachricht von " + f.siteName +
          " enthält bewusst keine Patientendaten. Sie ist signiert und wurde automatisch erzeugt.\n";
        return m;
      }

      NoticeMessage English(const NoticeFacts& f)
      {
        if (f.kind == NoticeKind::QaAlert)
        {
          return EnglishQaAlert(f);
        }
        NoticeMessage m;
        const std::string studies = Count(f.studies, "study", "studies");
        const std::string instances = Count(f.instances, "DICOM instance", "DICOM instances");
        if (f.kind == NoticeKind::Arrival)
        {
          m.subject = (f.studies > 0 ? studies : instances) + " from " + f.partnerName + " arrived";
          m.body = (f.studies > 0 ? studies + " (" + instances + ")" : instances) + " from " + f.partnerName +
            " arrived by DICOM-Mail and " + (f.studies == 1 || (f.studies == 0 && f.instances == 1) ?
                                              "is" : "are") + " stored in Orthanc" +
            (f.withWarnings ? ", with warnings" : "") + ".\n";
          m.body += "\nTime: " + FormatTime(f.at) + "\nSet id: " + f.setId + "\n";
          m.body += f.pageUrl.empty() ? std::string("\nThe transfer is on Orthanc's DICOM-Mail page.\n") :
            "\nOpen: " + f.pageUrl + "\n";
        }
        else
        {
          m.subject = "Transfer to " + f.partnerName + " failed";
          m.body = "The transfer of " + studies + " (" + instances + ") to " + f.partnerName + " failed: " +
            EnglishReason(f) + ".\n";
          m.body += "\nTime: " + FormatTime(f.at) + "\nSet id: " + f.setId + "\n";
          m.body += f.pageUrl.empty() ? std::string("\nDetails, and sending it again, on Orthanc's DICOM-Mail page.\n") :
            "\nDetails, and sending it again: " + f.pageUrl + "\n";
        }
        m.body += "\nThis message from " + f.siteName +
          " carries no patient data on purpose. It is signed and was generated automatically.\n";
        return m;
      }
    }

    NoticeMessage Write(const NoticeFacts& facts)
    {
      NoticeMessage result;
      result.subject = "DICOM-Mail: ";
      for (size_t i = 0; i < facts.languages.size(); i++)
      {
        const NoticeMessage one = facts.languages[i] == NoticeLanguage::German ? German(facts) : English(facts);
        result.subject += (i == 0 ? "" : " / ") + one.subject;
        result.body += (i == 0 ? "" : "\n----\n\n") + one.body;
      }
      return result;
    }
  }
}
