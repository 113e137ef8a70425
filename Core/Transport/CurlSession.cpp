// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transport/CurlSession.h"

#include "Core/Transport/SmtpReply.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <cctype>

namespace DicomMail
{
  namespace
  {
    const long TRANSFER_BUFFER_SIZE = 512 * 1024;
    const size_t MAX_REPLY_LINE = 1000;

    const std::set<std::string>& SchemesOf(CurlSession::Protocol protocol)
    {
      static const std::set<std::string> smtp = { "smtp", "smtps" };
      static const std::set<std::string> imap = { "imap", "imaps" };
      static const std::set<std::string> pop3 = { "pop3", "pop3s" };
      switch (protocol)
      {
        case CurlSession::Protocol::Smtp: return smtp;
        case CurlSession::Protocol::Imap: return imap;
        default: return pop3;
      }
    }

    void Check(CURLcode code, const char* option)
    {
      if (code != CURLE_OK)
      {
        throw Error(ErrorKind::Internal, std::string("cannot set libcurl option ") + option + ": " +
                    curl_easy_strerror(code));
      }
    }

    std::string ToUpper(std::string s)
    {
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
      return s;
    }

    // Response codes with which IMAP (RFC 5530) and POP3 (RFC 2449/3206)
    // servers say "try again later".
    bool SaysTryLater(const std::string& reply)
    {
      const std::string upper = ToUpper(reply);
      for (const char* code : { "[UNAVAILABLE]", "[INUSE]", "[SERVERBUG]", "[LIMIT]", "[IN-USE]", "[SYS/TEMP]" })
      {
        if (upper.find(code) != std::string::npos)
        {
          return true;
        }
      }
      return false;
    }

  }

  CurlSession::CurlSession(const MailAccount& account, Protocol protocol) :
    account_(account),
    url_(account.url, SchemesOf(protocol)),
    protocol_(protocol)
  {
    errorBuffer_[0] = '\0';
  }

  void CurlSession::Begin(const std::string& url)
  {
    CURL* c = handle_.Get();
    curl_easy_reset(c);

    errorBuffer_[0] = '\0';
    writeMode_ = WriteMode::Discard;
    sink_ = nullptr;
    text_.clear();
    textLimit_ = 0;
    source_ = nullptr;
    sourceSize_ = 0;
    sourceRead_ = 0;
    callbackError_ = nullptr;
    lastReply_.clear();
    lastErrorReply_.clear();
    lastBye_.clear();

    Check(curl_easy_setopt(c, CURLOPT_URL, url.c_str()), "URL");
    Check(curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, url_.GetScheme().c_str()), "PROTOCOLS_STR");
    Check(curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errorBuffer_), "ERRORBUFFER");
    Check(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L), "NOSIGNAL");
    Check(curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L), "TCP_KEEPALIVE");

    if (!account_.user.empty())
    {
      Check(curl_easy_setopt(c, CURLOPT_USERNAME, account_.user.c_str()), "USERNAME");
      Check(curl_easy_setopt(c, CURLOPT_PASSWORD, account_.password.c_str()), "PASSWORD");
    }

    Check(curl_easy_setopt(c, CURLOPT_USE_SSL, account_.requireTls ? static_cast<long>(CURLUSESSL_ALL) :
                           static_cast<long>(CURLUSESSL_TRY)), "USE_SSL");
    if (!account_.caFile.empty())
    {
      Check(curl_easy_setopt(c, CURLOPT_CAINFO, account_.caFile.c_str()), "CAINFO");
    }
    Check(curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, account_.verifyPeer ? 1L : 0L), "SSL_VERIFYPEER");
    Check(curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, account_.verifyPeer ? 2L : 0L), "SSL_VERIFYHOST");

    // No CURLOPT_TIMEOUT: it would cap the whole transfer of a large study.
    Check(curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(account_.connectTimeoutSeconds)),
          "CONNECTTIMEOUT");
    Check(curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, static_cast<long>(account_.responseTimeoutSeconds)),
          "SERVER_RESPONSE_TIMEOUT");
    Check(curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(account_.lowSpeedLimitBytesPerSecond)),
          "LOW_SPEED_LIMIT");
    Check(curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(account_.lowSpeedTimeSeconds)),
          "LOW_SPEED_TIME");

    Check(curl_easy_setopt(c, CURLOPT_BUFFERSIZE, TRANSFER_BUFFER_SIZE), "BUFFERSIZE");
    Check(curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, TRANSFER_BUFFER_SIZE), "UPLOAD_BUFFERSIZE");

    Check(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &CurlSession::WriteCallback), "WRITEFUNCTION");
    Check(curl_easy_setopt(c, CURLOPT_WRITEDATA, this), "WRITEDATA");
    Check(curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L), "NOPROGRESS");
    Check(curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &CurlSession::ProgressCallback), "XFERINFOFUNCTION");
    Check(curl_easy_setopt(c, CURLOPT_XFERINFODATA, this), "XFERINFODATA");

    // Verbose output goes only to our callback, which keeps nothing but the
    // server's reply lines: the client's lines (AUTH) are never looked at.
    Check(curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, &CurlSession::DebugCallback), "DEBUGFUNCTION");
    Check(curl_easy_setopt(c, CURLOPT_DEBUGDATA, this), "DEBUGDATA");
    Check(curl_easy_setopt(c, CURLOPT_VERBOSE, 1L), "VERBOSE");
  }

  void CurlSession::SetCustomRequest(const std::string& command)
  {
    std::string escaped;
    escaped.reserve(command.size());
    for (char c : command)
    {
      if (c == '\r' || c == '\n' || c == '\0')
      {
        throw Error(ErrorKind::BadInput, "a mail server command must not contain CR, LF or NUL");
      }
      if (c == '%')
      {
        escaped += "%25";   // libcurl URL-decodes IMAP and POP3 custom requests
      }
      else
      {
        escaped += c;
      }
    }
    Check(curl_easy_setopt(handle_.Get(), CURLOPT_CUSTOMREQUEST, escaped.c_str()), "CUSTOMREQUEST");
  }

  void CurlSession::ReceiveTo(ByteSink& sink)
  {
    writeMode_ = WriteMode::Sink;
    sink_ = &sink;
  }

  void CurlSession::ReceiveText(size_t maxSize)
  {
    writeMode_ = WriteMode::Text;
    textLimit_ = maxSize;
  }

  void CurlSession::SendFrom(ByteSource& source, uint64_t size)
  {
    CURL* c = handle_.Get();
    source_ = &source;
    sourceSize_ = size;
    sourceRead_ = 0;
    Check(curl_easy_setopt(c, CURLOPT_UPLOAD, 1L), "UPLOAD");
    Check(curl_easy_setopt(c, CURLOPT_READFUNCTION, &CurlSession::ReadCallback), "READFUNCTION");
    Check(curl_easy_setopt(c, CURLOPT_READDATA, this), "READDATA");
    Check(curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size)), "INFILESIZE_LARGE");
  }

  void CurlSession::Perform(const std::string& operation)
  {
    CURLcode code = curl_easy_perform(handle_.Get());
    if (OpenedConnection())
    {
      connectionsOpened_++;
    }

    if (callbackError_)
    {
      std::exception_ptr error = callbackError_;
      callbackError_ = nullptr;
      std::rethrow_exception(error);
    }

    if (code != CURLE_OK)
    {
      throw MakeError(code, operation);
    }
  }

  long CurlSession::GetResponseCode() const
  {
    long code = 0;
    if (curl_easy_getinfo(handle_.Get(), CURLINFO_RESPONSE_CODE, &code) != CURLE_OK)
    {
      return 0;
    }
    return code;
  }

  bool CurlSession::OpenedConnection() const
  {
    long connects = 0;
    return curl_easy_getinfo(handle_.Get(), CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0;
  }

  void CurlSession::CloseConnection()
  {
    handle_.Recreate();
  }

  size_t CurlSession::WriteCallback(char* data, size_t size, size_t count, void* self)
  {
    return static_cast<CurlSession*>(self)->Write(data, size * count);
  }

  size_t CurlSession::ReadCallback(char* buffer, size_t size, size_t count, void* self)
  {
    return static_cast<CurlSession*>(self)->Read(buffer, size * count);
  }

  size_t CurlSession::Write(const char* data, size_t size)
  {
    try
    {
      switch (writeMode_)
      {
        case WriteMode::Sink:
          sink_->Write(data, size);
          break;

        case WriteMode::Text:
          if (text_.size() + size > textLimit_)
          {
            throw Error(ErrorKind::LimitExceeded, "the mail server's reply exceeds " +
                        std::to_string(textLimit_) + " bytes");
          }
          text_.append(data, size);
          break;

        case WriteMode::Discard:
          break;
      }
      return size;
    }
    catch (...)
    {
      callbackError_ = std::current_exception();
      return 0;   // anything but "size" makes libcurl abort
    }
  }

  size_t CurlSession::Read(char* buffer, size_t size)
  {
    try
    {
      const uint64_t remaining = sourceSize_ - sourceRead_;
      if (remaining == 0)
      {
        return 0;
      }

      const size_t n = source_->Read(buffer, static_cast<size_t>(std::min<uint64_t>(size, remaining)));
      if (n == 0)
      {
        throw Error(ErrorKind::BadInput, "the message ended after " + std::to_string(sourceRead_) +
                    " of the " + std::to_string(sourceSize_) + " announced bytes");
      }
      sourceRead_ += n;

      // Probe for excess data before handing over the last bytes: aborting
      // now keeps the server from accepting a truncated message.
      if (sourceRead_ == sourceSize_)
      {
        char probe;
        if (source_->Read(&probe, 1) != 0)
        {
          throw Error(ErrorKind::BadInput, "the message is longer than the " + std::to_string(sourceSize_) +
                      " announced bytes");
        }
      }
      return n;
    }
    catch (...)
    {
      callbackError_ = std::current_exception();
      return CURL_READFUNC_ABORT;
    }
  }

  int CurlSession::ProgressCallback(void* self, curl_off_t dlTotal, curl_off_t dlNow,
                                    curl_off_t /*ulTotal*/, curl_off_t ulNow)
  {
    CurlSession& session = *static_cast<CurlSession*>(self);
    if (!session.progress_)
    {
      return 0;
    }

    try
    {
      const bool upload = (session.source_ != nullptr);
      const uint64_t done = static_cast<uint64_t>(upload ? ulNow : dlNow);
      const uint64_t total = upload ? session.sourceSize_ : static_cast<uint64_t>(dlTotal);
      return session.progress_(done, total) ? 0 : 1;
    }
    catch (...)
    {
      session.callbackError_ = std::current_exception();
      return 1;
    }
  }

  int CurlSession::DebugCallback(CURL* /*curl*/, curl_infotype type, char* data, size_t size, void* self)
  {
    if (type != CURLINFO_HEADER_IN)
    {
      return 0;   // never look at what we send: it includes AUTH
    }

    CurlSession& session = *static_cast<CurlSession*>(self);
    try
    {
      size_t start = 0;
      while (start < size)
      {
        const char* end = static_cast<const char*>(memchr(data + start, '\n', size - start));
        const size_t length = (end == nullptr ? size : static_cast<size_t>(end - data)) - start;
        session.RecordReplyLine(std::string(data + start, std::min(length, MAX_REPLY_LINE)));
        start += length + 1;
      }
    }
    catch (...)
    {
      // Out of memory while keeping a diagnostic line: not worth failing for.
    }
    return 0;
  }

  void CurlSession::RecordReplyLine(std::string line)
  {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
    {
      line.pop_back();
    }
    if (line.empty())
    {
      return;
    }
    lastReply_ = line;
    if (protocol_ == Protocol::Imap && ToUpper(line.substr(0, 6)) == "* BYE ")
    {
      lastBye_ = line;   // explains a dropped connection (or answers libcurl's LOGOUT)
    }
    if (IsErrorReply(line))
    {
      lastErrorReply_ = line;
    }
  }

  bool CurlSession::IsErrorReply(const std::string& line) const
  {
    switch (protocol_)
    {
      case Protocol::Smtp:
      {
        const long code = SmtpReply::ParseCode(line);
        return code >= 400 && code < 600;
      }

      case Protocol::Pop3:
        return line.compare(0, 4, "-ERR") == 0;

      case Protocol::Imap:
      {
        // Tagged "A004 NO ..." / "A004 BAD ..."; other untagged and
        // continuation lines are not final answers.
        const size_t space = line.find(' ');
        if (space == std::string::npos || space == 0 || line[0] == '*' || line[0] == '+')
        {
          return false;
        }
        const std::string status = ToUpper(line.substr(space + 1, 4));
        return status.compare(0, 3, "NO ") == 0 || status == "BAD " || status == "NO" || status == "BAD";
      }
    }
    return false;
  }

  TransportError CurlSession::MakeError(CURLcode code, const std::string& operation) const
  {
    const std::string reply = lastErrorReply_;
    long responseCode = 0;
    if (protocol_ == Protocol::Smtp)
    {
      responseCode = GetResponseCode();
      if (responseCode < 400)
      {
        responseCode = SmtpReply::ParseCode(reply);
      }
    }

    // What the server said decides, when it said something.
    TransportError::Nature byReply = TransportError::Nature::Temporary;
    if (!reply.empty())
    {
      if (protocol_ == Protocol::Smtp)
      {
        byReply = SmtpReply::Classify(responseCode, reply);
      }
      else
      {
        byReply = (SaysTryLater(reply) ? TransportError::Nature::Temporary : TransportError::Nature::Permanent);
      }
    }

    TransportError::Nature nature;
    std::string reason;
    switch (code)
    {
      case CURLE_ABORTED_BY_CALLBACK:
        nature = TransportError::Nature::Cancelled;
        reason = "cancelled";
        break;

      case CURLE_LOGIN_DENIED:
        nature = (reply.empty() ? TransportError::Nature::Permanent : byReply);
        if (protocol_ == Protocol::Imap && strstr(errorBuffer_, "Select failed") != nullptr)
        {
          reason = "cannot select the folder";   // libcurl reports a failed SELECT as LOGIN_DENIED
        }
        else
        {
          reason = "authentication failed for user \"" + account_.user + "\"";
        }
        break;

      case CURLE_PEER_FAILED_VERIFICATION:
        nature = TransportError::Nature::Permanent;
        reason = "TLS certificate verification failed" +
          (account_.caFile.empty() ? std::string(" against the system CA store") :
           " against the CA file " + account_.caFile);
        break;

      case CURLE_SSL_CACERT_BADFILE:
        nature = TransportError::Nature::Permanent;
        reason = "cannot use the CA file \"" + account_.caFile + "\"";
        break;

      case CURLE_USE_SSL_FAILED:
        nature = TransportError::Nature::Permanent;
        reason = "the server does not offer STARTTLS, which this account requires";
        break;

      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
      case CURLE_NOT_BUILT_IN:
        nature = TransportError::Nature::Permanent;
        reason = "unusable server URL";
        break;

      case CURLE_REMOTE_FILE_NOT_FOUND:
        nature = TransportError::Nature::Permanent;
        reason = "no such message or folder on the server";
        break;

      case CURLE_COULDNT_RESOLVE_HOST:
        nature = TransportError::Nature::Temporary;
        reason = "cannot resolve the server's host name";
        break;

      case CURLE_COULDNT_CONNECT:
        nature = TransportError::Nature::Temporary;
        reason = "cannot connect to the server";
        break;

      case CURLE_OPERATION_TIMEDOUT:
        nature = TransportError::Nature::Temporary;
        reason = "timed out";
        break;

      case CURLE_SSL_CONNECT_ERROR:
        nature = TransportError::Nature::Temporary;
        reason = "TLS handshake failed";
        break;

      case CURLE_GOT_NOTHING:
      case CURLE_RECV_ERROR:
      case CURLE_PARTIAL_FILE:
        nature = TransportError::Nature::Temporary;
        reason = "connection lost" + (lastBye_.empty() ? std::string() : " after \"" + lastBye_ + "\"");
        break;

      default:
        nature = byReply;
        reason = (reply.empty() ? curl_easy_strerror(code) : "refused by the server");
        break;
    }

    // Whatever libcurl calls the failure (RCPT, end of DATA), a full mailbox
    // at the partner's server is a wait, not a refusal.
    if (protocol_ == Protocol::Smtp && nature != TransportError::Nature::Cancelled &&
        SmtpReply::IsMailboxFull(responseCode, reply))
    {
      nature = TransportError::Nature::Temporary;
      reason = SmtpReply::kMailboxFull;
    }

    std::string message = operation + " failed: " + reason;
    if (!reply.empty())
    {
      message += " (" + reply + ")";
    }
    else if (errorBuffer_[0] != '\0')
    {
      message += " (" + std::string(errorBuffer_) + ")";
    }
    return TransportError(nature, message, responseCode, reply);
  }
}
