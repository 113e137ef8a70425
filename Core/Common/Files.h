// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Reads a file through a plain descriptor (no iostream buffering surprises).
  class FileSource : public ByteSource
  {
  public:
    explicit FileSource(const std::string& path);
    ~FileSource() override;
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    size_t Read(void* buffer, size_t size) override;

    uint64_t GetSize() const;
    void Rewind();

  private:
    std::string path_;
    int fd_;
  };

  class FileSink : public ByteSink
  {
  public:
    // Creates or truncates "path" with mode 0600.
    explicit FileSink(const std::string& path);
    ~FileSink() override;
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;
    void Flush() override;

    // Writes what is buffered and closes; throws on error, e.g. a full disk.
    // Temporary files need no more: a crash throws them away anyway.
    void Close();

    // Same, and waits until the data is on disk (fsync): for files that
    // must survive a crash, such as kept copies of refused mail.
    void CloseDurably();

  private:
    void FlushBuffer();
    void CloseFile(bool sync);

    std::string path_;
    int fd_;
    std::string buffer_;
  };

  // A uniquely named file inside a working directory, removed when the
  // object goes, on every path (success, error, exception).
  class TempFile
  {
  public:
    TempFile(const std::string& directory, const std::string& suffix = ".tmp");

    // Takes charge of a file that already exists (e.g. written by a tool).
    enum AdoptTag { Adopt };
    TempFile(const std::string& existingPath, AdoptTag) :
      path_(existingPath)
    {
    }

    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    const std::string& GetPath() const
    {
      return path_;
    }

    // Keeps the file: the caller takes it over (e.g. renames it).
    void Release()
    {
      path_.clear();
    }

  private:
    std::string path_;
  };

  namespace Files
  {
    void MakeDirectories(const std::string& path, unsigned int mode = 0700);
    bool Exists(const std::string& path);
    uint64_t GetSize(const std::string& path);
    void Remove(const std::string& path);                // no error if missing
    void Rename(const std::string& from, const std::string& to);
    std::string ReadAll(const std::string& path, uint64_t maxSize);
    void WriteAll(const std::string& path, const std::string& content);
    // Removes every regular file in "directory" whose name starts with "prefix".
    unsigned int RemoveLeftovers(const std::string& directory, const std::string& prefix);
    // Free bytes on the file system holding "path".
    uint64_t GetFreeSpace(const std::string& path);
  }
}
