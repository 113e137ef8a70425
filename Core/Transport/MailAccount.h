// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // Where and how to reach one mail server account. Plain data: the plugin's
  // configuration fills it, SmtpSender / ImapMailbox / Pop3Mailbox use it.
  struct MailAccount
  {
    // smtp://, smtps://, imap://, imaps://, pop3://, pop3s:// followed by
    // host[:port][/path]. The "s" schemes use implicit TLS. For SMTP the path
    // is the EHLO name unless SmtpSender is given one; for IMAP and POP3 the
    // path is ignored (the folder is a separate argument). Credentials in the
    // URL are ignored: use user/password.
    std::string url;

    std::string user;

    // Never logged, never part of an error message.
    std::string password;

    // For smtp://, imap://, pop3://: insist on STARTTLS/STLS (CURLUSESSL_ALL),
    // failing if the server does not offer it. When false, STARTTLS is still
    // used if offered (CURLUSESSL_TRY). No effect on the implicit-TLS schemes.
    bool requireTls = true;

    // PEM file with the CA(s) to verify the server against; empty = the
    // system's store.
    std::string caFile;

    // Verify the server certificate and its host name. Switch off only for
    // tests against self-signed servers.
    bool verifyPeer = true;

    unsigned int connectTimeoutSeconds = 30;

    // Longest wait for any one server reply (e.g. the 250 after a large DATA).
    unsigned int responseTimeoutSeconds = 120;

    // A transfer slower than lowSpeedLimit bytes/s for lowSpeedTime seconds is
    // a stall and fails (temporary). There is deliberately no overall timeout:
    // a large study may take long, as long as it moves.
    unsigned int lowSpeedLimitBytesPerSecond = 1024;
    unsigned int lowSpeedTimeSeconds = 120;
  };
}
