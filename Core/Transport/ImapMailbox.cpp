// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transport/ImapMailbox.h"

#include "Core/Transport/MailUrl.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace DicomMail
{
  namespace
  {
    // A system flag ("\\Seen") or a keyword ("$Imported"): an IMAP atom.
    void CheckFlag(const std::string& flag)
    {
      const size_t start = (!flag.empty() && flag[0] == '\\') ? 1 : 0;
      if (flag.size() <= start)
      {
        throw Error(ErrorKind::BadInput, "empty IMAP flag");
      }
      for (size_t i = start; i < flag.size(); i++)
      {
        const unsigned char c = static_cast<unsigned char>(flag[i]);
        if (c <= ' ' || c >= 0x7f || std::string("(){%*\"\\]").find(static_cast<char>(c)) != std::string::npos)
        {
          throw Error(ErrorKind::BadInput, "IMAP flag \"" + flag + "\" is not an atom");
        }
      }
    }

    // Untagged replies to a custom request (SEARCH, FETCH FLAGS, STATUS) are
    // small, but a hostile or huge mailbox must not exhaust memory.
    const size_t MAX_LISTING_SIZE = 64 * 1024 * 1024;
    const size_t MAX_REPLY_SIZE = 1024 * 1024;

    std::string Upper(std::string s)
    {
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
      return s;
    }

    bool ReplyContains(const TransportError& e, const char* code)
    {
      return Upper(e.GetServerReply()).find(code) != std::string::npos;
    }

    void CheckFolderName(const std::string& name)
    {
      if (name.empty())
      {
        throw Error(ErrorKind::BadInput, "empty IMAP folder name");
      }
      for (unsigned char c : name)
      {
        if (c < 0x20 || c >= 0x7f)
        {
          throw Error(ErrorKind::BadInput, "IMAP folder name \"" + name +
                      "\" must be printable ASCII (modified UTF-7 is not supported)");
        }
      }
    }

    // The lines of a reply, without CRLF.
    std::vector<std::string> Lines(const std::string& text)
    {
      std::vector<std::string> lines;
      std::istringstream stream(text);
      std::string line;
      while (std::getline(stream, line))
      {
        if (!line.empty() && line.back() == '\r')
        {
          line.pop_back();
        }
        lines.push_back(line);
      }
      return lines;
    }

    // The number after "key " in "line", e.g. "UIDVALIDITY 1234"; false if absent.
    bool FindNumber(const std::string& line, const std::string& key, uint64_t& value)
    {
      const std::string upper = Upper(line);
      size_t pos = 0;
      while ((pos = upper.find(key + " ", pos)) != std::string::npos)
      {
        const bool atWordStart = (pos == 0 || !isalnum(static_cast<unsigned char>(upper[pos - 1])));
        size_t digits = pos + key.size() + 1;
        size_t end = digits;
        while (end < upper.size() && isdigit(static_cast<unsigned char>(upper[end])))
        {
          end++;
        }
        if (atWordStart && end > digits && end - digits <= 10)
        {
          value = std::stoull(upper.substr(digits, end - digits));
          return true;
        }
        pos = digits;
      }
      return false;
    }

    uint32_t ParseUid(const std::string& token)
    {
      if (token.empty() || token.size() > 10 ||
          !std::all_of(token.begin(), token.end(), [](unsigned char c) { return isdigit(c); }))
      {
        throw Error(ErrorKind::BadInput, "malformed UID \"" + token + "\" in the IMAP server's reply");
      }
      const unsigned long long value = std::stoull(token);
      if (value == 0 || value > UINT32_MAX)
      {
        throw Error(ErrorKind::BadInput, "UID " + token + " out of range in the IMAP server's reply");
      }
      return static_cast<uint32_t>(value);
    }
  }

  ImapMailbox::ImapMailbox(const MailAccount& account, const std::string& folder) :
    session_(account, CurlSession::Protocol::Imap),
    folder_(folder)
  {
    CheckFolderName(folder);
  }

  void ImapMailbox::SetProgress(const TransferProgress& progress)
  {
    session_.SetProgress(progress);
  }

  std::string ImapMailbox::Quote(const std::string& value)
  {
    std::string result = "\"";
    for (char c : value)
    {
      if (c == '\r' || c == '\n' || c == '\0')
      {
        throw Error(ErrorKind::BadInput, "an IMAP quoted string cannot hold CR, LF or NUL");
      }
      if (c == '"' || c == '\\')
      {
        result += '\\';
      }
      result += c;
    }
    return result + "\"";
  }

  std::string ImapMailbox::RootUrl() const
  {
    return session_.GetUrl().GetBase() + "/";
  }

  std::string ImapMailbox::FolderUrl(const std::string& folder) const
  {
    return session_.GetUrl().GetBase() + "/" + MailUrl::Escape(folder);
  }

  std::string ImapMailbox::MessageUrl(uint32_t uid) const
  {
    return FolderUrl(folder_) + "/;UID=" + std::to_string(uid);
  }

  std::string ImapMailbox::Describe(uint32_t uid) const
  {
    return "UID " + std::to_string(uid) + " in folder \"" + folder_ + "\" at " + session_.GetUrl().GetBase();
  }

  // A custom command: libcurl selects the folder of "url" first (if it has
  // one) and passes the untagged replies to the write callback.
  void ImapMailbox::Command(const std::string& url, const std::string& command, const std::string& operation)
  {
    session_.Begin(url);
    session_.SetCustomRequest(command);
    session_.Perform(operation);
  }

  std::string ImapMailbox::CommandText(const std::string& url, const std::string& command,
                                       const std::string& operation)
  {
    session_.Begin(url);
    session_.SetCustomRequest(command);
    session_.ReceiveText(MAX_LISTING_SIZE);
    session_.Perform(operation);
    return session_.GetText();
  }

  std::vector<uint32_t> ImapMailbox::ListUids(const std::string& searchCriteria)
  {
    if (searchCriteria.empty())
    {
      throw Error(ErrorKind::BadInput, "empty IMAP search criteria");
    }

    const std::string text = CommandText(FolderUrl(folder_), "UID SEARCH " + searchCriteria,
                                         "IMAP search in folder \"" + folder_ + "\" at " +
                                         session_.GetUrl().GetBase());
    std::vector<uint32_t> uids;
    for (const std::string& line : Lines(text))
    {
      if (Upper(line.substr(0, 8)) != "* SEARCH")
      {
        continue;   // e.g. unsolicited "* 3 EXISTS"
      }
      std::istringstream tokens(line.substr(8));
      std::string token;
      while (tokens >> token)
      {
        uids.push_back(ParseUid(token));
      }
    }
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    return uids;
  }

  uint32_t ImapMailbox::GetUidValidity()
  {
    const std::string operation = "IMAP status of folder \"" + folder_ + "\" at " + session_.GetUrl().GetBase();
    const std::string text = CommandText(RootUrl(), "STATUS " + Quote(folder_) + " (UIDVALIDITY)", operation);
    for (const std::string& line : Lines(text))
    {
      uint64_t value = 0;
      if (Upper(line.substr(0, 8)) == "* STATUS" && FindNumber(line, "UIDVALIDITY", value) &&
          value > 0 && value <= UINT32_MAX)
      {
        return static_cast<uint32_t>(value);
      }
    }
    throw TransportError(TransportError::Nature::Permanent, operation + " failed: no UIDVALIDITY in the reply",
                         0, session_.GetLastReply());
  }

  bool ImapMailbox::Offers(const std::string& capability)
  {
    return ImapQuotaReply::HasCapability(CommandText(RootUrl(), "CAPABILITY", "IMAP capability at " +
                                                     session_.GetUrl().GetBase()), capability);
  }

  ImapQuota ImapMailbox::GetQuota(bool& offered)
  {
    offered = Offers("QUOTA");
    if (!offered)
    {
      return ImapQuota();
    }
    return ImapQuotaReply::Parse(CommandText(RootUrl(), "GETQUOTAROOT " + Quote(folder_),
                                             "IMAP quota of folder \"" + folder_ + "\" at " +
                                             session_.GetUrl().GetBase()));
  }

  std::string ImapMailbox::FetchHeaders(uint32_t uid, size_t maxSize)
  {
    session_.Begin(MessageUrl(uid) + "/;SECTION=HEADER");
    session_.ReceiveText(maxSize);
    session_.Perform("IMAP fetch of the header of " + Describe(uid));
    return session_.GetText();
  }

  void ImapMailbox::Fetch(uint32_t uid, ByteSink& sink)
  {
    session_.Begin(MessageUrl(uid));
    session_.ReceiveTo(sink);
    session_.Perform("IMAP fetch of " + Describe(uid));
  }

  std::vector<std::string> ImapMailbox::GetFlags(uint32_t uid)
  {
    const std::string operation = "IMAP flags of " + Describe(uid);
    session_.Begin(FolderUrl(folder_));
    session_.SetCustomRequest("UID FETCH " + std::to_string(uid) + " (FLAGS)");
    session_.ReceiveText(MAX_REPLY_SIZE);
    session_.Perform(operation);

    for (const std::string& line : Lines(session_.GetText()))
    {
      uint64_t lineUid = 0;
      if (line.compare(0, 2, "* ") != 0 || !FindNumber(line, "UID", lineUid) || lineUid != uid)
      {
        continue;   // another message's unsolicited flag update
      }
      const size_t open = Upper(line).find("FLAGS (");
      const size_t close = (open == std::string::npos ? open : line.find(')', open));
      if (close == std::string::npos)
      {
        continue;
      }
      std::vector<std::string> flags;
      std::istringstream tokens(line.substr(open + 7, close - open - 7));
      std::string flag;
      while (tokens >> flag)
      {
        flags.push_back(flag);
      }
      return flags;
    }
    throw TransportError(TransportError::Nature::Permanent, operation + " failed: no such message", 0, "");
  }

  void ImapMailbox::AddFlag(uint32_t uid, const std::string& flag)
  {
    CheckFlag(flag);
    Command(FolderUrl(folder_), "UID STORE " + std::to_string(uid) + " +FLAGS.SILENT (" + flag + ")",
            "IMAP flag " + flag + " on " + Describe(uid));
  }

  void ImapMailbox::RemoveFlag(uint32_t uid, const std::string& flag)
  {
    CheckFlag(flag);
    Command(FolderUrl(folder_), "UID STORE " + std::to_string(uid) + " -FLAGS.SILENT (" + flag + ")",
            "IMAP flag " + flag + " off " + Describe(uid));
  }

  bool ImapMailbox::AddKeywordFirst(uint32_t uid, const std::string& keyword, const std::string& alsoSet)
  {
    CheckFlag(keyword);
    if (!alsoSet.empty())
    {
      CheckFlag(alsoSet);
    }
    const std::string operation = "IMAP claim of " + Describe(uid);
    const std::string text = CommandText(FolderUrl(folder_), "UID FETCH " + std::to_string(uid) + " (MODSEQ FLAGS)",
                                         operation);
    uint64_t modseq = 0;
    for (const std::string& line : Lines(text))
    {
      const std::string upper = Upper(line);
      uint64_t lineUid = 0;
      const size_t open = upper.find("MODSEQ (");
      if (line.compare(0, 2, "* ") != 0 || !FindNumber(line, "UID", lineUid) || lineUid != uid ||
          open == std::string::npos)
      {
        continue;
      }
      if (upper.find(Upper(keyword)) != std::string::npos)
      {
        return false;   // someone set it already
      }
      const size_t end = upper.find(')', open);
      const std::string digits = upper.substr(open + 8, end == std::string::npos ? 0 : end - open - 8);
      if (!digits.empty() && digits.size() <= 19 && digits.find_first_not_of("0123456789") == std::string::npos)
      {
        modseq = std::stoull(digits);
      }
    }
    if (modseq == 0)
    {
      return false;   // gone (or a server without CONDSTORE: see the class comment)
    }
    Command(FolderUrl(folder_), "UID STORE " + std::to_string(uid) + " (UNCHANGEDSINCE " + std::to_string(modseq) +
            ") +FLAGS.SILENT (" + keyword + (alsoSet.empty() ? "" : " " + alsoSet) + ")", operation);
    // "OK [MODIFIED <uid>]": another client changed the message first.
    return Upper(session_.GetLastReply()).find("[MODIFIED") == std::string::npos;
  }

  uint32_t ImapMailbox::Move(uint32_t uid, const std::string& targetFolder)
  {
    CheckFolderName(targetFolder);
    const std::string command = "UID MOVE " + std::to_string(uid) + " " + Quote(targetFolder);
    const std::string operation = "IMAP move of " + Describe(uid) + " to \"" + targetFolder + "\"";
    std::string untagged;
    try
    {
      untagged = CommandText(FolderUrl(folder_), command, operation);
    }
    catch (TransportError& e)
    {
      if (ReplyContains(e, "[EXPUNGEISSUED]"))
      {
        return 0;   // Dovecot: another session moved or deleted it a moment ago
      }
      if (!ReplyContains(e, "[TRYCREATE]"))
      {
        throw;
      }
      CreateFolder(targetFolder);
      untagged = CommandText(FolderUrl(folder_), command, operation);
    }
    // RFC 6851: "* OK [COPYUID <validity> <source uids> <target uids>]",
    // untagged before the EXPUNGE (some servers put it in the tagged reply).
    for (const std::string& line : Lines(untagged + "\n" + session_.GetLastReply()))
    {
      const size_t pos = Upper(line).find("[COPYUID ");
      if (pos == std::string::npos)
      {
        continue;
      }
      std::istringstream tokens(line.substr(pos + 9));
      std::string validity, source, target;
      if (tokens >> validity >> source >> target && source == std::to_string(uid) &&
          target.size() > 1 && target.back() == ']')
      {
        return ParseUid(target.substr(0, target.size() - 1));
      }
    }
    return 0;
  }

  void ImapMailbox::Refresh()
  {
    Command(FolderUrl(folder_), "NOOP", "IMAP refresh of folder \"" + folder_ + "\" at " +
            session_.GetUrl().GetBase());
  }

  void ImapMailbox::Delete(uint32_t uid)
  {
    const std::string operation = "IMAP delete of " + Describe(uid);
    Command(FolderUrl(folder_), "UID STORE " + std::to_string(uid) + " +FLAGS.SILENT (\\Deleted)", operation);
    Command(FolderUrl(folder_), "UID EXPUNGE " + std::to_string(uid), operation);
  }

  uint32_t ImapMailbox::Append(const std::string& targetFolder, ByteSource& message, uint64_t size)
  {
    CheckFolderName(targetFolder);
    const std::string operation = "IMAP append of " + std::to_string(size) + " bytes to folder \"" +
      targetFolder + "\" at " + session_.GetUrl().GetBase();

    for (int attempt = 0; ; attempt++)
    {
      session_.Begin(FolderUrl(targetFolder));
      session_.SendFrom(message, size);
      try
      {
        session_.Perform(operation);
        break;
      }
      catch (TransportError& e)
      {
        // The server answers TRYCREATE before the "+" continuation, so the
        // source is untouched and the append can be repeated.
        if (attempt > 0 || session_.GetUploaded() != 0 || !ReplyContains(e, "[TRYCREATE]"))
        {
          throw;
        }
      }
      CreateFolder(targetFolder);
    }

    // "A005 OK [APPENDUID <uidvalidity> <uid>] Append completed."
    const std::string reply = session_.GetLastReply();
    const size_t pos = Upper(reply).find("[APPENDUID ");
    if (pos != std::string::npos)
    {
      std::istringstream tokens(reply.substr(pos + 11));
      std::string validity, uid;
      if (tokens >> validity >> uid && uid.size() > 1 && uid.back() == ']')
      {
        return ParseUid(uid.substr(0, uid.size() - 1));
      }
    }
    return 0;
  }

  void ImapMailbox::CreateFolder(const std::string& name)
  {
    CheckFolderName(name);
    try
    {
      Command(RootUrl(), "CREATE " + Quote(name),
              "IMAP create of folder \"" + name + "\" at " + session_.GetUrl().GetBase());
    }
    catch (TransportError& e)
    {
      if (!ReplyContains(e, "[ALREADYEXISTS]") && Upper(e.GetServerReply()).find("ALREADY EXISTS") == std::string::npos)
      {
        throw;
      }
    }
  }

  void ImapMailbox::DeleteFolder(const std::string& name)
  {
    CheckFolderName(name);
    try
    {
      Command(RootUrl(), "DELETE " + Quote(name),
              "IMAP delete of folder \"" + name + "\" at " + session_.GetUrl().GetBase());
    }
    catch (TransportError& e)
    {
      if (!ReplyContains(e, "[NONEXISTENT]"))
      {
        throw;
      }
    }
  }

  void ImapMailbox::Close()
  {
    session_.CloseConnection();
  }
}
