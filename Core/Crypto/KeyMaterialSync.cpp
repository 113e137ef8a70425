// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/KeyMaterialSync.h"

#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/GpgmeLibrary.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

namespace DicomMail
{
  namespace
  {
    const char* const kGenerationFile = "key-material-generation";

    // "FPR:LEVEL:" lines of gpg --export-ownertrust, by fingerprint.
    std::map<std::string, std::string> ParseOwnertrust(const std::string& text)
    {
      std::map<std::string, std::string> lines;
      std::istringstream in(text);
      std::string line;
      while (std::getline(in, line))
      {
        const size_t colon = line.find(':');
        if (line.empty() || line[0] == '#' || colon == std::string::npos)
        {
          continue;
        }
        const std::string fpr = line.substr(0, colon);
        if (Fingerprint::IsValidFingerprint(fpr))
        {
          lines[Fingerprint::Normalize(fpr)] = line + "\n";
        }
      }
      return lines;
    }
  }

  KeyMaterialSync::KeyMaterialSync(const GnupgHome& home, KeyMaterialStore& store,
                                   OpenPgpContext::PassphraseProvider passphrase) :
    home_(home),
    store_(store),
    passphrase_(std::move(passphrase))
  {
    const std::string& configured = home_.GetOptions().gpgProgram;
    session_.gpgPath = configured.empty() ? GpgmeLibrary::GetGpgEnginePath() : configured;
    session_.homePath = home_.GetPath();
    session_.inactivityTimeoutSeconds = home_.GetOptions().gpgTimeoutSeconds;
  }

  std::string KeyMaterialSync::RunGpg(const std::vector<std::string>& arguments, const std::string& input,
                                      const std::string& what)
  {
    std::vector<std::string> all = GpgProcess::SessionArguments(home_.GetPath());
    all.insert(all.end(), arguments.begin(), arguments.end());
    GpgProcess gpg(session_, all);   // the session's inactivity timeout bounds every wait
    StringSource in(input);
    StringSink out;
    const int code = gpg.Exchange(in, out, [&what](const std::string& keyword, const std::string& question)
    {
      if (keyword.compare(0, 4, "GET_") == 0)
      {
        throw Error(ErrorKind::Crypto, what + ": gpg asked an unexpected question (" + question + ")");
      }
    });
    if (code != 0)
    {
      throw Error(ErrorKind::Crypto, what + ": " + gpg.GetDiagnostics());
    }
    return out.GetContent();
  }

  KeyMaterial KeyMaterialSync::Export(OpenPgpContext& crypto, const std::string& fingerprint,
                                      const std::string& ownertrust)
  {
    KeyMaterial key;
    key.fingerprint = fingerprint;
    if (!crypto.HasKey(fingerprint))
    {
      key.deleted = true;
      return key;
    }
    const std::string what = "cannot publish the key " + Fingerprint::GroupInFours(fingerprint);
    key.publicKey = RunGpg({ "--armor", "--export-options", "export-local-sigs", "--export", fingerprint }, "",
                           what);
    if (crypto.GetKey(fingerprint).hasSecret)
    {
      // Refuses an empty passphrase: the table never holds a key in clear.
      key.secretKey = crypto.ExportSecretKey(fingerprint, passphrase_ ? passphrase_("") : "");
    }
    key.ownertrust = ownertrust;
    return key;
  }

  int64_t KeyMaterialSync::Publish(const std::vector<std::string>& fingerprints)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    OpenPgpContext crypto(home_);
    const std::map<std::string, std::string> trust =
      ParseOwnertrust(RunGpg({ "--export-ownertrust" }, "", "cannot read the owner trust"));
    std::vector<KeyMaterial> changes;
    for (const std::string& fingerprint : fingerprints)
    {
      const std::string fpr = Fingerprint::Normalize(fingerprint);
      const auto found = trust.find(fpr);
      changes.push_back(Export(crypto, fpr, found == trust.end() ? "" : found->second));
    }
    const int64_t before = GetAppliedGeneration();
    const int64_t generation = store_.Publish(changes);
    if (generation == before + 1)
    {
      // Nobody published in between: this home already is that generation.
      SetAppliedGeneration(generation);
    }
    return generation;
  }

  int64_t KeyMaterialSync::PublishAll()
  {
    std::vector<std::string> fingerprints;
    {
      OpenPgpContext crypto(home_);
      for (const KeyInfo& key : crypto.ListKeys(false))
      {
        fingerprints.push_back(key.fingerprint);
      }
    }
    return Publish(fingerprints);
  }

  size_t KeyMaterialSync::Follow()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const int64_t applied = GetAppliedGeneration();
    if (store_.GetGeneration() <= applied)
    {
      return 0;
    }
    const std::vector<KeyMaterial> rows = store_.ChangedSince(applied);
    if (rows.empty())
    {
      return 0;
    }
    Apply(rows);
    SetAppliedGeneration(rows.back().generation);
    return rows.size();
  }

  void KeyMaterialSync::Apply(const std::vector<KeyMaterial>& rows)
  {
    OpenPgpContext crypto(home_);
    std::string keys;
    std::string trust;
    for (const KeyMaterial& row : rows)
    {
      if (row.deleted)
      {
        if (crypto.HasKey(row.fingerprint))
        {
          crypto.DeleteKey(row.fingerprint, true);
        }
        continue;
      }
      keys += row.publicKey + "\n" + row.secretKey + "\n";
      trust += row.ownertrust;
    }
    if (!keys.empty())
    {
      // The secret keys arrive as exported: gpg-agent keeps them protected
      // by the same passphrase, without asking for it.
      RunGpg({ "--import-options", "import-local-sigs", "--import" }, keys, "cannot import the shared keys");
    }
    if (!trust.empty())
    {
      RunGpg({ "--import-ownertrust" }, trust, "cannot import the shared owner trust");
    }
    // Validities follow the new certifications and trust at once, not at
    // gpg's next scheduled check.
    RunGpg({ "--check-trustdb" }, "", "cannot update the trust database");
    home_.GetKeyStates().Invalidate();
  }

  int64_t KeyMaterialSync::GetAppliedGeneration() const
  {
    std::ifstream in(home_.GetPath() + "/" + kGenerationFile);
    long long generation = 0;
    return (in >> generation) ? static_cast<int64_t>(generation) : 0;
  }

  void KeyMaterialSync::SetAppliedGeneration(int64_t generation)
  {
    // Written aside and renamed: a crash leaves the old or the new value.
    const std::string path = home_.GetPath() + "/" + kGenerationFile;
    const std::string temporary = path + ".new";
    {
      std::ofstream out(temporary, std::ios::trunc);
      out << generation << "\n";
      if (!out.flush())
      {
        throw Error(ErrorKind::Storage, "cannot write " + temporary);
      }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
    {
      throw Error(ErrorKind::Storage, "cannot replace " + path);
    }
  }
}
