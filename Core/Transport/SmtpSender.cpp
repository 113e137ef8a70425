// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transport/SmtpSender.h"

#include "Core/Transport/CurlSlist.h"

namespace DicomMail
{
  namespace
  {
    // "x@y" or "<x@y>" -> "<x@y>"; anything that could smuggle a second SMTP
    // command or parameter into MAIL FROM / RCPT TO is refused.
    std::string ToPath(const std::string& address, bool allowNull)
    {
      std::string bare = address;
      if (bare.size() >= 2 && bare.front() == '<' && bare.back() == '>')
      {
        bare = bare.substr(1, bare.size() - 2);
      }
      if (bare.empty())
      {
        if (allowNull)
        {
          return "<>";
        }
        throw Error(ErrorKind::BadInput, "empty recipient address");
      }
      for (unsigned char c : bare)
      {
        if (c <= ' ' || c == '<' || c == '>' || c == 0x7f)
        {
          throw Error(ErrorKind::BadInput, "mail address \"" + address +
                      "\" contains a space, control character or angle bracket");
        }
      }
      if (bare.find('@') == std::string::npos)
      {
        throw Error(ErrorKind::BadInput, "mail address \"" + address + "\" has no domain part");
      }
      return "<" + bare + ">";
    }

    void CheckEhloName(const std::string& name)
    {
      for (unsigned char c : name)
      {
        if (!isalnum(c) && c != '.' && c != '-' && c != '[' && c != ']' && c != ':')
        {
          throw Error(ErrorKind::Configuration, "EHLO name \"" + name +
                      "\" may only hold letters, digits, '.', '-' and an [address literal]");
        }
      }
    }
  }

  SmtpSender::SmtpSender(const MailAccount& account, const std::string& ehloName) :
    session_(account, CurlSession::Protocol::Smtp)
  {
    // libcurl takes the URL path as the EHLO name.
    const std::string name = ehloName.empty() ? session_.GetUrl().GetPath() : ehloName;
    CheckEhloName(name);
    url_ = session_.GetUrl().GetBase() + "/" + name;
  }

  SmtpResult SmtpSender::Send(const std::string& from,
                              const std::vector<std::string>& recipients,
                              ByteSource& message,
                              uint64_t size,
                              const TransferProgress& progress)
  {
    if (recipients.empty())
    {
      throw Error(ErrorKind::BadInput, "a mail needs at least one recipient");
    }

    const std::string reversePath = ToPath(from, true);
    CurlSlist forwardPaths;
    for (const std::string& recipient : recipients)
    {
      forwardPaths.Append(ToPath(recipient, false));
    }

    session_.SetProgress(progress);
    session_.Begin(url_);
    CURL* c = session_.GetHandle();
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, reversePath.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, forwardPaths.Get());
    session_.SendFrom(message, size);

    const std::string operation = "SMTP send of " + std::to_string(size) + " bytes via " +
      session_.GetUrl().GetBase();

    SmtpResult result;
    try
    {
      session_.Perform(operation);
      result.ok = true;
      result.responseCode = session_.GetResponseCode();
      result.serverReply = session_.GetLastReply();
      result.message = operation + ": " + result.serverReply;
      result.reusedConnection = !session_.OpenedConnection();
    }
    catch (TransportError& e)
    {
      result.permanent = e.IsPermanent();
      result.temporary = e.IsTemporary();
      result.cancelled = e.IsCancelled();
      result.responseCode = e.GetResponseCode();
      result.serverReply = e.GetServerReply();
      result.message = e.what();
    }
    session_.SetProgress(TransferProgress());
    return result;
  }

  void SmtpSender::Close()
  {
    session_.CloseConnection();
  }
}
