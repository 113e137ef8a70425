// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  namespace MetricNames
  {
    const char* const kPrefix = "orthanc_dicom_mail_";

    // A partner id or mailbox name as the tail of a metric name: lower-case
    // letters, digits and '_' (Prometheus allows no '-' or '.'). Partner ids
    // and mailbox names come from the admin, never from a mail or a study,
    // so no patient data can reach a name.
    std::string Suffix(const std::string& id);

    // kPrefix + base, plus "_" + Suffix(id) when id is not empty.
    std::string Make(const std::string& base, const std::string& id = "");
  }
}
