// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/SiteRevocationCertificate.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/Fingerprint.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace DicomMail
{
  bool SiteRevocationCertificate::Take(const std::string& gnupgHome, const std::string& fingerprint,
                                       std::string& certificate)
  {
    const std::string path = gnupgHome + "/openpgp-revocs.d/" + Fingerprint::Normalize(fingerprint) + ".rev";
    const std::string taken = path + ".handed-out";
    if (std::rename(path.c_str(), taken.c_str()) != 0)
    {
      return false;
    }
    std::ifstream in(taken, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string content = text.str();

    const size_t begin = content.find("-----BEGIN PGP");
    const std::string end = "-----END PGP PUBLIC KEY BLOCK-----";
    const size_t last = content.find(end);
    if (!in || begin == std::string::npos || last == std::string::npos)
    {
      std::rename(taken.c_str(), path.c_str());   // left for another try
      throw Error(ErrorKind::Internal, "the revocation certificate of the site key is unreadable");
    }
    certificate = content.substr(begin, last + end.size() - begin) + "\n";
    ::unlink(taken.c_str());
    return true;
  }
}
