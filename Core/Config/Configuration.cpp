// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Config/Configuration.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Config/ConfigReader.h"
#include "Core/Config/DatabaseConfig.h"
#include "Core/Mime/MailboxFormatter.h"
#include "Core/Partners/TransferSyntaxChoice.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace DicomMail
{
  namespace
  {
    const char* const kSection = "DicomMail";

    bool LooksLikeAddress(const std::string& address)
    {
      const size_t at = address.find('@');
      return at != std::string::npos && at > 0 && at + 1 < address.size() &&
        address.find_first_of(" <>\r\n\",;") == std::string::npos;
    }

    // A secret comes inline or, better, from a file readable only by Orthanc.
    std::string ReadSecret(ConfigReader& reader, const std::string& inlineKey, const std::string& fileKey)
    {
      const std::string inlineValue = reader.GetString(inlineKey, "");
      const std::string file = reader.GetString(fileKey, "");
      if (!inlineValue.empty() && !file.empty())
      {
        reader.Fail(fileKey, "give either \"" + inlineKey + "\" or \"" + fileKey + "\", not both");
      }
      if (file.empty())
      {
        return inlineValue;
      }
      if (!Files::Exists(file))
      {
        reader.Fail(fileKey, "file not found: " + file);
      }
      std::string content;
      try
      {
        content = Files::ReadAll(file, 4096);
      }
      catch (const Error& e)
      {
        reader.Fail(fileKey, std::string("cannot read the file: ") + e.what());
      }
      while (!content.empty() && (content.back() == '\n' || content.back() == '\r'))
      {
        content.pop_back();
      }
      if (content.empty())
      {
        reader.Fail(fileKey, "the file is empty: " + file);
      }
      return content;
    }

    void ParseServer(ConfigReader& reader, MailServerSettings& server,
                     const std::set<std::string>& schemes, const std::string& schemesText)
    {
      if (!reader.Has("Url"))
      {
        reader.Fail("Url", "missing; expected " + schemesText);
      }
      server.url = reader.GetString("Url", "");
      ConfiguredMailUrl url;
      std::string problem;
      if (!ConfiguredMailUrl::Parse(server.url, url, problem))
      {
        reader.Fail("Url", problem);
      }
      if (schemes.count(url.scheme) == 0)
      {
        reader.Fail("Url", "scheme \"" + url.scheme + "\" is not allowed here; expected " + schemesText);
      }
      server.user = reader.GetString("User", "");
      server.password = ReadSecret(reader, "Password", "PasswordFile");
      server.requireTls = reader.GetBool("RequireStartTls", true);
      server.caFile = reader.GetString("CaFile", "");
      if (!server.caFile.empty() && !Files::Exists(server.caFile))
      {
        reader.Fail("CaFile", "file not found: " + server.caFile);
      }
      server.verifyPeer = reader.GetBool("VerifyPeer", true);
      server.connectTimeout = static_cast<unsigned int>(reader.GetInteger("ConnectTimeout", 30, 1, 3600));
      server.responseTimeout = static_cast<unsigned int>(reader.GetInteger("ResponseTimeout", 120, 1, 3600));
    }

    // "Folders" (a list) or the older "Folder" (one name), not both.
    void ParseFolders(ConfigReader& account, IncomingAccountSettings& settings)
    {
      if (account.Has("Folders"))
      {
        if (account.Has("Folder"))
        {
          account.Fail("Folder", "give either \"Folder\" or \"Folders\", not both");
        }
        settings.folders = account.GetStringList("Folders");
        if (settings.folders.empty())
        {
          account.Fail("Folders", "must name at least one folder");
        }
      }
      else
      {
        settings.folders = { account.GetString("Folder", settings.folder) };
      }
      std::set<std::string> seen;
      for (const std::string& folder : settings.folders)
      {
        if (folder.empty() || !seen.insert(folder).second)
        {
          account.Fail(account.Has("Folders") ? "Folders" : "Folder",
                       "folder names must be distinct and not empty");
        }
        for (unsigned char c : folder)
        {
          if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
          {
            account.Fail(account.Has("Folders") ? "Folders" : "Folder",
                         "folder \"" + folder + "\": only printable ASCII without quotes or backslashes");
          }
        }
      }
      settings.folder = settings.folders.front();
    }

    // Days for people; seconds where a test cannot wait a day.
    void ParseRetention(ConfigReader& account, IncomingAccountSettings& settings)
    {
      const int64_t days = account.GetInteger("ProcessedRetentionDays", 30, 0, 36500);
      settings.processedRetentionSeconds = static_cast<uint64_t>(days) * 86400;
      if (account.Has("ProcessedRetentionSeconds"))
      {
        settings.processedRetentionSeconds = static_cast<uint64_t>(
          account.GetInteger("ProcessedRetentionSeconds", 0, 0, int64_t(36500) * 86400));
      }
    }

    std::string NormalizeFingerprint(ConfigReader& reader, const std::string& key, const std::string& value)
    {
      std::string fpr;
      for (char c : value)
      {
        if (c == ' ')
        {
          continue;
        }
        if (!isxdigit(static_cast<unsigned char>(c)))
        {
          reader.Fail(key, "must be a 40-digit hexadecimal OpenPGP fingerprint");
        }
        fpr.push_back(static_cast<char>(toupper(static_cast<unsigned char>(c))));
      }
      if (fpr.size() != 40)
      {
        reader.Fail(key, "must be a 40-digit hexadecimal OpenPGP fingerprint (found " +
                    std::to_string(fpr.size()) + " digits)");
      }
      return fpr;
    }

    // Names go into headers encoded (MailboxFormatter), so any UTF-8 text
    // will do, only not what no header can carry.
    std::string ReadDisplayName(ConfigReader& reader, const std::string& key, const std::string& defaultValue)
    {
      const std::string name = reader.GetString(key, defaultValue);
      if (name.empty())
      {
        reader.Fail(key, "must not be empty");
      }
      const std::string problem = MailboxFormatter::CheckDisplayName(name);
      if (!problem.empty())
      {
        reader.Fail(key, "cannot be written into a mail header: it " + problem);
      }
      return name;
    }

    PartnerSettings ParsePartner(const std::string& name, const Json::Value& value, const std::string& path,
                                 bool allowLossy)
    {
      ConfigReader reader(value, path);
      PartnerSettings partner;
      partner.name = name;
      partner.displayName = ReadDisplayName(reader, "DisplayName", name);
      partner.fromConfiguration = true;
      partner.addresses = reader.GetStringList("Addresses");
      if (partner.addresses.empty())
      {
        reader.Fail("Addresses", "a partner needs at least one mail address");
      }
      for (const std::string& a : partner.addresses)
      {
        if (!LooksLikeAddress(a))
        {
          reader.Fail("Addresses", "not a mail address: \"" + a + "\"");
        }
      }
      if (reader.Has("Fingerprint"))
      {
        partner.fingerprint = NormalizeFingerprint(reader, "Fingerprint", reader.GetString("Fingerprint", ""));
      }
      partner.maxMailSize = static_cast<uint64_t>(reader.GetInteger("MaxMailSize", 0, 0, 4000000000LL));
      if (partner.maxMailSize != 0 && partner.maxMailSize < 100000)
      {
        reader.Fail("MaxMailSize", "must be 0 (site default) or at least 100000 bytes");
      }
      partner.acknowledgements = reader.GetBool("Acknowledgements", true);
      partner.compression = reader.GetBool("Compression", true);
      if (reader.Has("Notices"))
      {
        partner.notices = ParseNoticeSettings(reader.GetRaw("Notices"), reader.KeyPath("Notices"));
      }
      partner.pseudonymise = reader.GetBool("Pseudonymise", false);
      std::string problem;
      if (!TransferSyntaxChoice::Parse(reader.GetString("TransferSyntax", ""), allowLossy, partner.transferSyntax,
                                       problem))
      {
        reader.Fail("TransferSyntax", problem);
      }
      reader.CheckNoUnknownKeys();
      return partner;
    }
  }

  bool ConfiguredMailUrl::Parse(const std::string& text, ConfiguredMailUrl& result, std::string& problem)
  {
    const size_t sep = text.find("://");
    if (sep == std::string::npos || sep == 0)
    {
      problem = "not a URL (expected scheme://host[:port]): \"" + text + "\"";
      return false;
    }
    result.scheme = text.substr(0, sep);
    std::transform(result.scheme.begin(), result.scheme.end(), result.scheme.begin(), ::tolower);
    std::string rest = text.substr(sep + 3);
    const size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    if (authority.find('@') != std::string::npos)
    {
      problem = "credentials must not be written into the URL; use \"User\" and \"PasswordFile\"";
      return false;
    }
    const size_t colon = authority.rfind(':');
    result.host = authority.substr(0, colon);
    if (result.host.empty())
    {
      problem = "no host in URL \"" + text + "\"";
      return false;
    }
    result.port = 0;
    if (colon != std::string::npos)
    {
      const std::string port = authority.substr(colon + 1);
      if (port.empty() || port.size() > 5 ||
          !std::all_of(port.begin(), port.end(), [](char c) { return isdigit(static_cast<unsigned char>(c)); }) ||
          std::stoul(port) == 0 || std::stoul(port) > 65535)
      {
        problem = "invalid port \"" + port + "\" in URL \"" + text + "\"";
        return false;
      }
      result.port = static_cast<unsigned int>(std::stoul(port));
    }
    return true;
  }

  Configuration Configuration::Parse(const Json::Value& section)
  {
    ConfigReader reader(section, kSection);
    Configuration config;

    config.siteAddress = reader.GetString("SiteAddress", config.siteAddress);
    if (!LooksLikeAddress(config.siteAddress))
    {
      reader.Fail("SiteAddress", "not a mail address: \"" + config.siteAddress + "\"");
    }
    config.siteName = ReadDisplayName(reader, "SiteName", config.siteName);
    config.nodeName = reader.GetString("NodeName", "");

    config.stateDirectory = reader.GetString("StateDirectory", config.stateDirectory);
    config.gnupgHome = reader.GetString("GnupgHome", config.stateDirectory + "/gnupg");
    // gpg-agent creates its sockets inside the home; sun_path leaves 86 characters.
    if (config.gnupgHome.size() > 86)
    {
      reader.Fail("GnupgHome", "path is " + std::to_string(config.gnupgHome.size()) +
                  " characters long; gpg-agent cannot create its sockets beyond 86");
    }
    if (config.gnupgHome.empty() || config.gnupgHome[0] != '/')
    {
      reader.Fail("GnupgHome", "must be an absolute path");
    }
    config.workingDirectory = reader.GetString("WorkingDirectory", config.stateDirectory + "/work");
    if (config.workingDirectory.empty() || config.workingDirectory[0] != '/')
    {
      reader.Fail("WorkingDirectory", "must be an absolute path");
    }
    config.database = ReadDatabaseSettings(reader, config.stateDirectory);

    config.keyAlgorithm = reader.GetString("KeyAlgorithm", config.keyAlgorithm);
    if (config.keyAlgorithm != "ed25519" && config.keyAlgorithm != "rsa3072")
    {
      reader.Fail("KeyAlgorithm", "must be \"ed25519\" or \"rsa3072\"");
    }
    config.passphraseFile = reader.GetString("PassphraseFile", "");
    if (!config.passphraseFile.empty() && !Files::Exists(config.passphraseFile))
    {
      reader.Fail("PassphraseFile", "file not found: " + config.passphraseFile);
    }
    config.generateSiteKey = reader.GetBool("GenerateSiteKey", true);
    config.keyExpiryWarningDays = static_cast<unsigned int>(reader.GetInteger("KeyExpiryWarningDays", 30, 0, 3650));
    config.compressionLevel = static_cast<unsigned int>(reader.GetInteger("CompressionLevel", 1, 0, 9));
    config.encryptToSelf = reader.GetBool("EncryptToSelf", false);
    config.allowLossyTranscoding = reader.GetBool("AllowLossyTranscoding", false);
    const std::string partEncoding = reader.GetString("DicomPartEncoding", "base64");
    if (partEncoding != "base64" && partEncoding != "binary")
    {
      reader.Fail("DicomPartEncoding", "must be \"base64\" or \"binary\", not \"" + partEncoding + "\"");
    }
    config.binaryDicomParts = (partEncoding == "binary");
    config.dicomPartEncodingConfigured = reader.Has("DicomPartEncoding");
    config.subject = reader.GetString("Subject", config.subject);
    if (config.subject.empty() || config.subject.find_first_of("\r\n") != std::string::npos)
    {
      reader.Fail("Subject", "must be a non-empty single line");
    }
    const std::string subjectProblem = MailboxFormatter::CheckDisplayName(config.subject);
    if (!subjectProblem.empty())
    {
      reader.Fail("Subject", "cannot be written into a mail header: it " + subjectProblem);
    }
    config.maxMailSize = static_cast<uint64_t>(reader.GetInteger("MaxMailSize", 10000000, 100000, 4000000000LL));
    config.acknowledgementTimeout = static_cast<unsigned int>(
      reader.GetInteger("AcknowledgementTimeout", 3600, 1, 30 * 86400));
    config.maxResends = static_cast<unsigned int>(reader.GetInteger("MaxResends", 3, 0, 100));
    config.gpgTimeout = static_cast<unsigned int>(reader.GetInteger("GpgTimeout", 600, 1, 86400));
    config.incompleteTimeout = static_cast<unsigned int>(
      reader.GetInteger("IncompleteTimeout", 86400, 1, 365 * 86400));

    if (reader.Has("Smtp"))
    {
      ConfigReader smtp(reader.GetRaw("Smtp"), reader.KeyPath("Smtp"));
      ParseServer(smtp, config.smtp.server, {"smtp", "smtps"}, "smtp:// (STARTTLS) or smtps:// (implicit TLS)");
      const std::string domain = config.siteAddress.substr(config.siteAddress.find('@') + 1);
      config.smtp.heloName = smtp.GetString("HeloName", domain);
      config.smtp.maxRetries = static_cast<unsigned int>(smtp.GetInteger("MaxRetries", 5, 0, 1000));
      config.smtp.retryDelay = static_cast<unsigned int>(smtp.GetInteger("RetryDelay", 10, 1, 86400));
      smtp.CheckNoUnknownKeys();
      config.smtpConfigured = true;
    }

    const Json::Value& incoming = reader.GetRaw("Incoming");
    if (!incoming.isNull())
    {
      if (!incoming.isArray())
      {
        reader.Fail("Incoming", "must be a list of mail accounts");
      }
      std::set<std::string> names;
      for (Json::ArrayIndex i = 0; i < incoming.size(); i++)
      {
        ConfigReader account(incoming[i], reader.KeyPath("Incoming") + "[" + std::to_string(i) + "]");
        IncomingAccountSettings settings;
        settings.name = account.GetString("Name", "account" + std::to_string(i + 1));
        if (!names.insert(settings.name).second)
        {
          account.Fail("Name", "duplicate account name \"" + settings.name + "\"");
        }
        ParseServer(account, settings.server, {"imap", "imaps", "pop3", "pop3s"},
                    "imap://, imaps://, pop3:// or pop3s://");
        ParseFolders(account, settings);
        settings.pollInterval = static_cast<unsigned int>(account.GetInteger("PollInterval", 60, 1, 86400));
        settings.processedFolder = account.GetString("ProcessedFolder", settings.processedFolder);
        settings.rejectedFolder = account.GetString("RejectedFolder", settings.rejectedFolder);
        settings.deleteProcessed = account.GetBool("DeleteProcessed", false);
        ParseRetention(account, settings);
        account.CheckNoUnknownKeys();
        config.incoming.push_back(settings);
      }
    }

    const Json::Value& partners = reader.GetRaw("Partners");
    if (!partners.isNull())
    {
      if (!partners.isObject())
      {
        reader.Fail("Partners", "must be an object mapping partner names to settings");
      }
      for (const std::string& name : partners.getMemberNames())
      {
        if (name.empty() || name.size() > 64 || name.find_first_of("/\\ \r\n") != std::string::npos)
        {
          reader.Fail("Partners", "invalid partner name \"" + name + "\" (1-64 characters, no slash or space)");
        }
        config.partners.push_back(ParsePartner(name, partners[name], reader.KeyPath("Partners") + "." + name,
                                                 config.allowLossyTranscoding));
      }
    }

    if (reader.Has("Limits"))
    {
      ConfigReader limits(reader.GetRaw("Limits"), reader.KeyPath("Limits"));
      ReceiveLimits& l = config.limits;
      l.maxMailBytes = static_cast<uint64_t>(limits.GetInteger("MaxMailBytes", l.maxMailBytes, 1000, INT64_MAX));
      l.maxDecompressedBytes = static_cast<uint64_t>(
        limits.GetInteger("MaxDecompressedBytes", l.maxDecompressedBytes, 1000, INT64_MAX));
      l.maxPartsPerMail = static_cast<unsigned int>(limits.GetInteger("MaxPartsPerMail", l.maxPartsPerMail, 1, 1000000));
      l.maxNestingDepth = static_cast<unsigned int>(limits.GetInteger("MaxNestingDepth", l.maxNestingDepth, 2, 1000));
      l.maxHeaderBytes = static_cast<unsigned int>(limits.GetInteger("MaxHeaderBytes", l.maxHeaderBytes, 1024, 16777216));
      l.maxFragments = static_cast<unsigned int>(limits.GetInteger("MaxFragments", l.maxFragments, 1, 1000000));
      l.decompressionRatio = static_cast<unsigned int>(
        limits.GetInteger("DecompressionRatio", l.decompressionRatio, 2, 100000));
      l.decompressionFloorBytes = static_cast<uint64_t>(
        limits.GetInteger("DecompressionFloorBytes", l.decompressionFloorBytes, 1000000, INT64_MAX));
      l.minFreeDiskBytes = static_cast<uint64_t>(
        limits.GetInteger("MinFreeDiskMB", l.minFreeDiskBytes / 1000000, 0, 100000000)) * 1000000;
      l.maxUnauthenticatedRecords = static_cast<unsigned int>(
        limits.GetInteger("MaxUnauthenticatedRecords", l.maxUnauthenticatedRecords, 1, 100000000));
      limits.CheckNoUnknownKeys();
    }

    if (reader.Has("KeptMail"))
    {
      ConfigReader kept(reader.GetRaw("KeptMail"), reader.KeyPath("KeptMail"));
      config.keptMail.maxBytes = static_cast<uint64_t>(
        kept.GetInteger("MaxBytes", config.keptMail.maxBytes, 0, INT64_MAX));
      config.keptMail.maxAgeDays = static_cast<unsigned int>(
        kept.GetInteger("MaxAgeDays", config.keptMail.maxAgeDays, 1, 36500));
      kept.CheckNoUnknownKeys();
    }

    if (reader.Has("SiteKey"))
    {
      ConfigReader siteKey(reader.GetRaw("SiteKey"), reader.KeyPath("SiteKey"));
      config.siteKey.validityDays = static_cast<unsigned int>(
        siteKey.GetInteger("ValidityDays", config.siteKey.validityDays, 0, 36500));
      config.siteKey.renewAheadDays = static_cast<unsigned int>(
        siteKey.GetInteger("RenewAheadDays", config.siteKey.renewAheadDays, 1, 36500));
      siteKey.CheckNoUnknownKeys();
      if (config.siteKey.validityDays != 0 && config.siteKey.renewAheadDays >= config.siteKey.validityDays)
      {
        siteKey.Fail("RenewAheadDays", "must be less than ValidityDays");
      }
    }

    if (reader.Has("Forwarding"))
    {
      ConfigReader forwarding(reader.GetRaw("Forwarding"), reader.KeyPath("Forwarding"));
      config.forwarding = ForwardingSettings::Parse(forwarding);
    }

    config.autoRouting = reader.GetRaw("AutoRouting");
    if (config.autoRouting.isNull())
    {
      config.autoRouting = Json::arrayValue;
    }
    else if (!config.autoRouting.isArray())
    {
      reader.Fail("AutoRouting", "must be a list of rules");
    }
    config.qualityAssurance = QaSettings::Parse(reader.GetRaw("QualityAssurance"), reader.KeyPath("QualityAssurance"));

    if (reader.Has("Notices"))
    {
      config.notices = ParseNoticeSettings(reader.GetRaw("Notices"), reader.KeyPath("Notices"),
                                           &config.noticeMaxAttempts);
    }
    // Notices go out through the site's SMTP account: an address without one
    // would be a promise nobody keeps.
    if (!config.smtpConfigured)
    {
      if (config.notices.to && !config.notices.to->empty())
      {
        reader.Fail("Notices", "\"To\" needs an outgoing mail server: set \"DicomMail.Smtp\"");
      }
      for (const PartnerSettings& partner : config.partners)
      {
        if (partner.notices.to && !partner.notices.to->empty())
        {
          reader.Fail("Partners", "\"" + partner.name + "\": \"Notices.To\" needs an outgoing mail server: "
                      "set \"DicomMail.Smtp\"");
        }
      }
    }

    reader.CheckNoUnknownKeys();
    return config;
  }

  uint64_t ReceiveLimits::DecompressedBytesFor(uint64_t mailBytes) const
  {
    const uint64_t byRatio = mailBytes > UINT64_MAX / decompressionRatio ? UINT64_MAX : mailBytes * decompressionRatio;
    return std::min(maxDecompressedBytes, std::max(decompressionFloorBytes, byRatio));
  }

  std::string Configuration::ReadPassphrase() const
  {
    if (passphraseFile.empty())
    {
      return "";
    }
    std::string content = Files::ReadAll(passphraseFile, 4096);
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r'))
    {
      content.pop_back();
    }
    return content;
  }

  Json::Value Configuration::ToPublicJson() const
  {
    Json::Value result = Json::objectValue;
    result["SiteAddress"] = siteAddress;
    result["SiteName"] = siteName;
    result["GnupgHome"] = gnupgHome;
    result["WorkingDirectory"] = workingDirectory;
    result["KeyAlgorithm"] = keyAlgorithm;
    result["PassphraseProtected"] = !passphraseFile.empty();
    result["MaxMailSize"] = static_cast<Json::UInt64>(maxMailSize);
    result["AcknowledgementTimeout"] = acknowledgementTimeout;
    result["GpgTimeout"] = gpgTimeout;
    result["CompressionLevel"] = compressionLevel;
    result["AllowLossyTranscoding"] = allowLossyTranscoding;
    result["DicomPartEncoding"] = binaryDicomParts ? "binary" : "base64";
    result["Notices"] = EffectiveNotices::Resolve(notices, NoticeSettings()).ToJson();
    if (smtpConfigured)
    {
      result["Smtp"]["Url"] = smtp.server.url;
      result["Smtp"]["User"] = smtp.server.user;
    }
    return result;
  }
}
