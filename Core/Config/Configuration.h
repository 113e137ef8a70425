// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/DatabaseSettings.h"
#include "Core/Forwarding/ForwardingSettings.h"
#include "Core/Notices/NoticeSettings.h"
#include "Core/QualityAssurance/QaSettings.h"

#include <json/value.h>

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // One mail server login. "password" is a secret: it is never logged and
  // never answered by the REST API (see ToPublicJson()).
  struct MailServerSettings
  {
    std::string url;            // smtp[s]://, imap[s]://, pop3[s]://host[:port]
    std::string user;
    std::string password;
    bool requireTls = true;     // STARTTLS on the plain schemes
    std::string caFile;         // empty: the system's CA store
    bool verifyPeer = true;
    unsigned int connectTimeout = 30;
    unsigned int responseTimeout = 120;
  };

  struct SmtpSettings
  {
    MailServerSettings server;
    std::string heloName;       // EHLO domain; default: the site address's domain
    unsigned int maxRetries = 5;
    unsigned int retryDelay = 10;   // seconds, doubled at each retry
  };

  struct IncomingAccountSettings
  {
    std::string name;
    MailServerSettings server;
    std::string folder = "INBOX";              // the first of "folders"
    // IMAP: every folder polled, the first one where mail is expected; the
    // others (a spam folder such as "Junk") are searched the same way.
    // Empty: "folder" alone (the configuration always fills it in).
    std::vector<std::string> folders;
    // IMAP: mail this plugin moved into processedFolder is expunged after
    // this many seconds (ProcessedRetentionDays, default 30 days); 0 keeps it.
    uint64_t processedRetentionSeconds = 30 * 86400;
    unsigned int pollInterval = 60;            // seconds
    std::string processedFolder = "Processed"; // IMAP only
    std::string rejectedFolder = "Rejected";   // IMAP only
    bool deleteProcessed = false;              // IMAP: delete instead of moving
  };

  struct PartnerSettings
  {
    std::string name;                     // the id: URLs, records, metadata
    std::string displayName;              // any UTF-8, for people and the To header; default: the id
    std::vector<std::string> addresses;   // the first one is where mail is sent
    std::string fingerprint;              // 40 hex digits, upper case
    // After the partner rotated its key (#22): the key it replaced, whose
    // signatures still count until previousUntilMs (ms since the epoch).
    std::string previousFingerprint;
    int64_t previousUntilMs = 0;
    uint64_t maxMailSize = 0;             // 0: the site's default
    bool acknowledgements = true;
    bool compression = true;
    NoticeSettings notices;               // over the site's "Notices", key by key
    std::string transferSyntax;           // UID instances are transcoded to (#19); "" = as stored
    bool pseudonymise = false;            // send pseudonymised copies (#19, PseudonymProfile)
    bool fromConfiguration = false;       // read-only when true
  };

  // Hostile-input limits, one place so the README can list them.
  struct ReceiveLimits
  {
    uint64_t maxMailBytes = 2000000000;
    uint64_t maxDecompressedBytes = 4000000000;
    unsigned int maxPartsPerMail = 10000;
    unsigned int maxNestingDepth = 20;
    unsigned int maxHeaderBytes = 65536;
    unsigned int maxFragments = 10000;
    // Before a mail is authenticated, its plaintext may grow to
    // max(decompressionFloorBytes, decompressionRatio x the mail's size),
    // never above maxDecompressedBytes (see README "Hostile mail and faults").
    unsigned int decompressionRatio = 20;
    uint64_t decompressionFloorBytes = 256000000;
    uint64_t minFreeDiskBytes = 500000000;   // reserve kept free on the working and state disks
    // The DICOM parts of one mail held in memory, not in temporary files,
    // until they are imported (#15); what does not fit goes to the working
    // directory. A mail of the default size carries about 10 MB of images.
    uint64_t partsInMemoryBytes = 16000000;
    // Records of mail that was never authenticated (rejected, quarantined)
    // kept in the inbox's log; the oldest go first.
    unsigned int maxUnauthenticatedRecords = 10000;

    // The plaintext a mail of "mailBytes" may expand to before it is trusted.
    uint64_t DecompressedBytesFor(uint64_t mailBytes) const;
  };

  // Copies of refused mail in <StateDirectory>/kept-mail, bounded because
  // anyone can send mail: the oldest go first.
  struct KeptMailSettings
  {
    uint64_t maxBytes = 1000000000;
    unsigned int maxAgeDays = 30;
  };

  struct Configuration
  {
    std::string siteAddress = "orthanc@localhost";
    std::string siteName = "Orthanc DICOM-Mail";
    std::string stateDirectory = "/var/lib/orthanc/dicom-mail";
    std::string gnupgHome;          // default: stateDirectory + "/gnupg"
    std::string workingDirectory;   // default: stateDirectory + "/work"
    DatabaseSettings database;      // SQLite file default: stateDirectory + "/dicom-mail.db"
    std::string nodeName;           // this Orthanc among several on one database (#18); "": host:HttpPort
    // The GnuPG home follows the keys in the database (KeySync; default on
    // with PostgreSQL), looking every keySyncInterval seconds.
    bool keySync = false;
    unsigned int keySyncInterval = 30;
    std::string keyAlgorithm = "ed25519";
    std::string passphraseFile;     // site key passphrase; empty: unprotected key
    bool generateSiteKey = true;    // on first start
    unsigned int keyExpiryWarningDays = 30;
    // SiteKey.*: a new site key expires after validityDays (0: never); the
    // plugin moves the expiry out again renewAheadDays before it (#22).
    struct SiteKeySettings
    {
      unsigned int validityDays = 730;
      unsigned int renewAheadDays = 60;
      // After a rotation (#22): how long the previous key keeps decrypting
      // (ours) or verifying (a partner's) before it is retired; in seconds,
      // PreviousKeySeconds overrides it (tests).
      uint64_t previousKeySeconds = 14 * 86400;
    } siteKey;
    unsigned int compressionLevel = 1;
    // Content-Transfer-Encoding of the application/dicom parts inside the
    // encrypted entity. "base64" is what the wire profile shows and every
    // gateway reads; "binary" (legal MIME there: the entity never travels
    // through an MTA in clear) is a quarter smaller before compression,
    // compresses better and faster, for partners known to read it.
    bool binaryDicomParts = false;
    // True when the admin wrote DicomPartEncoding: then it holds for every
    // partner. Left out, a partner whose signed acknowledgement says it reads
    // binary parts gets them (PartEncodingChoice).
    bool dicomPartEncodingConfigured = false;
    bool encryptToSelf = false;
    // Whether a partner's TransferSyntax may be a lossy one: an explicit,
    // separate choice, never implied by naming the syntax.
    bool allowLossyTranscoding = false;
    std::string subject = "DICOM-eMail";
    uint64_t maxMailSize = 10000000;
    unsigned int acknowledgementTimeout = 3600;   // seconds
    unsigned int maxResends = 3;
    unsigned int gpgTimeout = 600;                // seconds a gpg may go without progress
    unsigned int incompleteTimeout = 86400;       // seconds before fragments are reported
    unsigned int receiveDecryptWorkers = 0;       // mails decrypted at once; 0: DecryptWorkers() decides
    SmtpSettings smtp;
    bool smtpConfigured = false;
    std::vector<IncomingAccountSettings> incoming;
    std::vector<PartnerSettings> partners;
    ReceiveLimits limits;
    KeptMailSettings keptMail;
    Json::Value autoRouting = Json::arrayValue;    // validated by the routing module
    ForwardingSettings forwarding;                 // gateway mode: received transfers on to the PACS
    NoticeSettings notices;                        // notices to people; off without "To"
    unsigned int noticeMaxAttempts = 10;           // sends of one notice before it is recorded failed
    QaSettings qualityAssurance;                   // DIN 6868-159 daily tests (#17)

    // Parses the "DicomMail" section (null: all defaults). Throws
    // Error(Configuration) with a message naming the exact key at fault.
    static Configuration Parse(const Json::Value& section);

    // Whether mails to this partner are compressed inside OpenPGP: the send
    // job encrypts that way and the planner sizes the mails for it.
    bool CompressesFor(const PartnerSettings& partner) const
    {
      return partner.compression && compressionLevel > 0;
    }

    // Without any mail account the plugin is inactive: it polls nothing,
    // sends nothing and creates no site key (the address is not set yet, as
    // in the Debian package's file). Not an error: Orthanc runs on.
    bool HasMailAccount() const
    {
      return smtpConfigured || !incoming.empty();
    }

    // How many received mails are decrypted at once (#15): as configured,
    // else two on a machine of two or more cores (gpg is single-threaded
    // and, for one mail, waits for the fetch or the import half the time),
    // else one.
    unsigned int DecryptWorkers() const;

    // The configuration as the status route shows it: no secrets.
    Json::Value ToPublicJson() const;

    // The passphrase of the site key, read from passphraseFile when needed.
    std::string ReadPassphrase() const;
  };

  // Minimal parse of a mail server URL, enough to validate it.
  struct ConfiguredMailUrl
  {
    std::string scheme;
    std::string host;
    unsigned int port = 0;      // 0 when not given

    static bool Parse(const std::string& url, ConfiguredMailUrl& result, std::string& problem);
  };
}
